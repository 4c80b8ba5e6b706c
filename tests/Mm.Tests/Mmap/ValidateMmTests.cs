using LinuxVm.Arch.X86;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.KernelModel;

namespace LinuxVm.Mm.Tests.Mmap;

/// <summary>The DEBUG_MM_RB check (<see cref="Mm.Mmap.DebugMmRb"/>) during do_munmap.</summary>
public class ValidateMmTests
{
    private const uint Page = 0x1000;

    [Fact]
    public void Munmap_OfOneWholeRegionAndTheStartOfTheNext_PassesTheDebugCheck()
    {
        // do_munmap releases the higher region first; its remainder is linked back while the
        // lower one is still off the list but counted in map_count.
        Kernel k = Machine.Boot(new MachineConfig { RamBytes = 16u << 20 }).Kernel;
        k.Mmap.DebugMmRb = true;
        TaskStruct p = k.Driver.Spawn("prog", image: new ProgramImage("prog"));
        const uint ro = Mman.ProtRead, rw = Mman.ProtRead | Mman.ProtWrite;
        const uint flags = Mman.MapPrivate | Mman.MapAnonymous | Mman.MapFixed;
        k.Driver.RunAs(p, () =>
        {
            Assert.Equal(0x40000000u, k.Syscalls.Mmap(0x40000000, 2 * Page, rw, flags));
            Assert.Equal(0x40002000u, k.Syscalls.Mmap(0x40002000, 2 * Page, ro, flags));
            Assert.Equal(0, k.Syscalls.Munmap(0x40000000, 3 * Page));
        });
        VmAreaStruct left = k.Mmap.FindVma(p.Mm!, 0x40000000)!;
        Assert.Equal((0x40003000u, 0x40004000u), (left.VmStart, left.VmEnd));
        k.Mmap.CheckVmas(p.Mm!);
    }
}
