using System.Reflection;
using LinuxVm.Arch.X86;

namespace LinuxVm.Mm.Tests.LinuxAttributeTests;

/// <summary>
/// The [Linux] attribute is how a reader (and DocGen) finds the C# for a kernel name, so its
/// values must be well formed and unambiguous. Well formed is <see cref="KernelNames"/>, the
/// rule DocGen checks too.
/// </summary>
public class LinuxAttributeTests
{
    private static readonly Assembly[] PortAssemblies = [typeof(Kernel).Assembly, typeof(I386).Assembly];

    private static IEnumerable<(MemberInfo Member, LinuxAttribute Attr)> All()
    {
        const BindingFlags every = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance |
                                   BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (Assembly asm in PortAssemblies)
            foreach (Type type in asm.GetTypes())
            {
                foreach (LinuxAttribute a in type.GetCustomAttributes<LinuxAttribute>())
                    yield return (type, a);
                foreach (MemberInfo m in type.GetMembers(every))
                    foreach (LinuxAttribute a in m.GetCustomAttributes<LinuxAttribute>())
                        yield return (m, a);
            }
    }

    [Fact]
    public void EveryAttribute_NamesAKernelFileAndAWellFormedIdentifier()
    {
        var bad = All()
            .Where(x => !KernelNames.IsFile(x.Attr.File) || !KernelNames.IsName(x.Attr.Name))
            .Select(x => $"{x.Member.DeclaringType?.Name}.{x.Member.Name}: [Linux(\"{x.Attr.File}\", \"{x.Attr.Name}\")]")
            .ToList();
        Assert.True(bad.Count == 0, "malformed [Linux] attributes:\n" + string.Join("\n", bad));
    }

    [Theory]
    [InlineData("mm/page_alloc.c", true)]
    [InlineData("include/asm-i386/pgalloc.h", true)]
    [InlineData("arch/i386/kernel/head.S", true)]
    [InlineData("arch/i386/vmlinux.lds", true)]
    [InlineData("page_alloc", false)]
    [InlineData("page_alloc.c", false)]
    [InlineData("/mm/page_alloc.c", false)]
    [InlineData("mm/../kernel/fork.c", false)]
    [InlineData("Documentation/vm/locking", false)]
    [InlineData("mm/page_alloc.cs", false)]
    public void KernelNames_AcceptsPathsInTheTreeOnly(string file, bool valid) => Assert.Equal(valid, KernelNames.IsFile(file));

    [Theory]
    [InlineData("__alloc_pages", true)]
    [InlineData("struct page", true)]
    [InlineData("enum zone_type", true)]
    [InlineData("zone_t.pages_min", true)]
    [InlineData("two words", false)]
    [InlineData("struct page.flags", false)]
    [InlineData("1st", false)]
    [InlineData("page.", false)]
    public void KernelNames_AcceptsKernelSpellingsOnly(string name, bool valid) => Assert.Equal(valid, KernelNames.IsName(name));

    [Fact]
    public void NoKernelIdentifier_IsClaimedByTwoMembers()
    {
        var clashes = All()
            .GroupBy(x => (x.Attr.File, x.Attr.Name))
            .Where(g => g.Select(x => x.Member).Distinct().Count() > 1)
            .Select(g => $"{g.Key.File}:{g.Key.Name} -> " +
                         string.Join(", ", g.Select(x => $"{x.Member.DeclaringType?.Name}.{x.Member.Name}")))
            .ToList();
        Assert.True(clashes.Count == 0, "kernel names claimed twice:\n" + string.Join("\n", clashes));
    }

    [Fact]
    public void ThePortCoversTheFoundationFiles()
    {
        // Every kernel file the foundation issue names has ported functions carrying its name.
        var files = All().Select(x => x.Attr.File).ToHashSet();
        foreach (string f in new[] { "mm/bootmem.c", "mm/page_alloc.c", "mm/numa.c", "include/linux/list.h" })
            Assert.Contains(f, files);
    }
}
