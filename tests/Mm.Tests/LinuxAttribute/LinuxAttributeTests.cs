using System.Reflection;
using System.Text.RegularExpressions;
using LinuxVm.Arch.X86;

namespace LinuxVm.Mm.Tests.LinuxAttributeTests;

/// <summary>
/// The [Linux] attribute is how a reader (and DocGen) finds the C# for a kernel name, so its
/// values must be well formed and unambiguous.
/// </summary>
public partial class LinuxAttributeTests
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

    [GeneratedRegex(@"^(mm|lib|kernel|fs|include|arch|init)/[A-Za-z0-9_./-]+\.[ch]$")]
    private static partial Regex KernelFile();

    // A function/macro/constant, "struct x", or "type.field".
    [GeneratedRegex(@"^(struct [A-Za-z_]\w*|union [A-Za-z_]\w*|[A-Za-z_]\w*(\.[A-Za-z_]\w*)?)$")]
    private static partial Regex KernelName();

    [Fact]
    public void EveryAttribute_NamesAKernelFileAndAWellFormedIdentifier()
    {
        var bad = All()
            .Where(x => !KernelFile().IsMatch(x.Attr.File) || !KernelName().IsMatch(x.Attr.Name))
            .Select(x => $"{x.Member.DeclaringType?.Name}.{x.Member.Name}: [Linux(\"{x.Attr.File}\", \"{x.Attr.Name}\")]")
            .ToList();
        Assert.True(bad.Count == 0, "malformed [Linux] attributes:\n" + string.Join("\n", bad));
    }

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
