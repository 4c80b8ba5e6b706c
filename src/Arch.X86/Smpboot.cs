using LinuxVm.Mm;

namespace LinuxVm.Arch.X86;

/// <summary>
/// The memory steps of arch/i386/kernel/smpboot.c: a low page for the real-mode startup code of
/// the application processors, and dropping the boot-time identity mapping once they run.
/// </summary>
/// <remarks>Port note: the INIT/STARTUP IPI dance is not simulated; a CPU "boots" by loading the
/// kernel's cr4 features and swapper_pg_dir (<see cref="I386.StartCpu"/>).</remarks>
public sealed class Smpboot
{
    private readonly I386 _arch;

    /// <summary>Creates smpboot.c's state.</summary>
    /// <param name="arch">The architecture.</param>
    public Smpboot(I386 arch) => _arch = arch;

    /// <summary>Kernel virtual address of the trampoline page.</summary>
    [Linux("arch/i386/kernel/smpboot.c", "trampoline_base")]
    public uint TrampolineBase { get; private set; }

    /// <summary>Takes one low page from bootmem for the trampoline; it must be below 0x9F000 to run in real mode.</summary>
    [Linux("arch/i386/kernel/smpboot.c", "smp_alloc_memory")]
    public void SmpAllocMemory()
    {
        TrampolineBase = _arch.Kernel.Bootmem.AllocBootmemLowPages(Mm.Include.PageConstants.PageSize);
        KernelPanicException.BugOn(_arch.Kernel.Pa(TrampolineBase) >= 0x9F000, "__pa(trampoline_base) >= 0x9F000", "smp_alloc_memory");
    }

    /// <summary>Starts every other CPU, then removes the identity mapping of low memory (the last user of it was the trampoline).</summary>
    [Linux("arch/i386/kernel/smpboot.c", "smp_boot_cpus")]
    public void SmpBootCpus()
    {
        for (int cpu = 1; cpu < _arch.Kernel.SmpNumCpus; cpu++)
        {
            _arch.StartCpu(cpu);
            _arch.Kernel.Printk($"CPU{cpu}: Intel Pentium III (Coppermine) stepping 06");
        }
        _arch.Kernel.Printk($"Total of {_arch.Kernel.SmpNumCpus} processors activated.");
        _arch.Init.ZapLowMappings();
    }
}
