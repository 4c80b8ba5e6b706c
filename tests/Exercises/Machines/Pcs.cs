using LinuxVm.Arch.X86;
using LinuxVm.Mm;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.Sim;

namespace LinuxVm.Exercises.Machines;

/// <summary>The machines the exercises of chapters 3, 5 and 7 run on.</summary>
internal static class Pcs
{
    /// <summary>A PC with <paramref name="megabytes"/> MiB of RAM, fully booted by <see cref="Machine.Boot"/>.</summary>
    public static Kernel Booted(uint megabytes) =>
        Machine.Boot(new MachineConfig { RamBytes = (ulong)megabytes << 20 }).Kernel;

    /// <summary>
    /// A PC stopped right after setup_memory (arch/i386/kernel/setup.c): bootmem is live, low RAM
    /// is free in it, and only pages 0 and 1, the ISA hole and the kernel image with the bitmap
    /// after it are reserved. Nothing has been allocated from it yet.
    /// </summary>
    public static Kernel AfterSetupMemory(uint megabytes)
    {
        E820Entry[] map = Bios.E820Map((ulong)megabytes << 20);
        ulong top = map.Where(e => e.Type == E820.Ram).Max(e => e.End);
        var arch = new I386();
        var kernel = new Kernel(new PhysicalMemory((uint)(top >> PageConstants.PageShift)), arch, 1);
        arch.Setup.SetupMemoryRegion(map, 0);
        arch.Setup.SetupMemory();
        return kernel;
    }
}
