using LinuxVm.Mm.Include;
using LinuxVm.Mm.Tests.Arch.X86;

namespace LinuxVm.Mm.Tests.Mmap;

/// <summary>Claims of the mmap commentary page that running the port can check.</summary>
public class CommentaryClaimsTests
{
    [Fact]
    public void CalcVmFlags_OnI386_OnlyMasks()
    {
        const uint mapKept = Mman.MapGrowsdown | Mman.MapDenywrite | Mman.MapExecutable;
        for (uint prot = 0; prot < 8; prot++)
        {
            foreach (uint flags in new[] { 0u, mapKept, Mman.MapShared | Mman.MapFixed | Mman.MapAnonymous, 0xFFFFFFFFu })
                Assert.Equal(prot | (flags & mapKept), LinuxVm.Mm.Mmap.CalcVmFlags(prot, flags));
        }
        Assert.Equal((VmFlags.GrowsDown, VmFlags.DenyWrite, VmFlags.Executable),
            (Mman.MapGrowsdown, Mman.MapDenywrite, Mman.MapExecutable));
    }

    [Fact]
    public void FindExtendVma_GrowsAStackDownToAnAddressFarBelowIt()
    {
        var pc = ProcessPc.Boot();
        var p = pc.Spawn("p");
        VmAreaStruct stack = pc.MapAnonymous(p, 0xBFFFF000, 4096, extraFlags: VmFlags.GrowsDown);
        uint totalVm = p.Mm!.TotalVm;

        VmAreaStruct? found = pc.Kernel.Driver.RunAs(p, () => pc.Kernel.Mmap.FindExtendVma(p.Mm, 0xBFF00123));

        Assert.Same(stack, found);
        Assert.Equal(0xBFF00000u, stack.VmStart);
        Assert.Equal(totalVm + 255, p.Mm.TotalVm);
    }
}
