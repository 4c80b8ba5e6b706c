using LinuxVm.Mm;
using LinuxVm.Mm.Include;

namespace LinuxVm.Arch.X86;

// The TLB flushes of include/asm-i386/pgtable.h (the instructions: cr3 reload, CR4.PGE toggle,
// invlpg) and of include/asm-i386/pgalloc.h and arch/i386/kernel/smp.c (the SMP versions that
// send an inter-processor interrupt so that the other CPUs flush too).
//
// Port note: 2.4.20 decides which CPUs to interrupt from mm->cpu_vm_mask and current->active_mm,
// and lets a CPU in lazy-TLB mode leave the mm instead of flushing. The simulation has no tasks
// here, so "the CPUs that use this mm" are the online CPUs whose cr3 points at its page
// directory. The effect on the TLBs is the same.
public sealed partial class I386
{
    /// <summary>Reloads cr3 on the current CPU: drops its non-global entries.</summary>
    [Linux("include/asm-i386/pgtable.h", "__flush_tlb")]
    public void FlushTlbCore() => CurrentCpuData.LoadCr3(CurrentCpuData.Cr3);

    /// <summary>Toggles CR4.PGE on the current CPU: drops every entry, global ones too.</summary>
    [Linux("include/asm-i386/pgtable.h", "__flush_tlb_global")]
    public void FlushTlbGlobal() => FlushTlbGlobal(CurrentCpuData);

    private static void FlushTlbGlobal(Cpu cpu)
    {
        uint cr4 = cpu.Cr4;
        cpu.WriteCr4(cr4 & ~Cpu.Cr4Pge);   // PGE off: global entries go too
        cpu.LoadCr3(cpu.Cr3);
        cpu.WriteCr4(cr4);
    }

    /// <summary>Flushes everything on the current CPU; with CONFIG_X86_PGE that is the global flush.</summary>
    [Linux("include/asm-i386/pgtable.h", "__flush_tlb_all")]
    public void FlushTlbAllCore() => FlushTlbGlobal();

    /// <summary>invlpg: drops the current CPU's entry for one page.</summary>
    /// <param name="addr">A virtual address in the page.</param>
    [Linux("include/asm-i386/pgtable.h", "__flush_tlb_single")]
    public void FlushTlbSingle(uint addr) => CurrentCpuData.Tlb.FlushOne(addr);

    /// <inheritdoc/>
    public void FlushTlbOne(uint address) => FlushTlbSingle(address); // CONFIG_X86_INVLPG

    /// <inheritdoc/>
    public void LocalFlushTlb() => FlushTlbCore();

    /// <inheritdoc/>
    public void LoadCr3(uint pgd) => CurrentCpuData.LoadCr3(Kernel.Pa(pgd));

    private IEnumerable<Cpu> CpusUsing(uint pgd)
    {
        ulong cr3 = Kernel.Pa(pgd);
        foreach (Cpu c in _cpus)
            if (c.Online && c.Cr3 == cr3)
                yield return c;
    }

    /// <inheritdoc/>
    /// <remarks>Port note: flush_tlb_current_task flushes current->mm; without tasks, the mm is the
    /// one loaded in the current CPU's cr3.</remarks>
    public void FlushTlb()
    {
        foreach (Cpu c in CpusUsing(Kernel.Va(CurrentCpuData.Cr3)))
            c.LoadCr3(c.Cr3);
    }

    /// <inheritdoc/>
    public void FlushTlbAll()
    {
        // smp_call_function(flush_tlb_all_ipi) on the others, then do_flush_tlb_all_local here.
        foreach (Cpu c in _cpus)
            if (c.Online)
                FlushTlbGlobal(c);
    }

    /// <inheritdoc/>
    public void FlushTlbMm(MmStruct mm)
    {
        foreach (Cpu c in CpusUsing(mm.Pgd))
            c.LoadCr3(c.Cr3);
    }

    /// <inheritdoc/>
    public void FlushTlbPage(MmStruct mm, uint address)
    {
        foreach (Cpu c in CpusUsing(mm.Pgd))
            c.Tlb.FlushOne(address);
    }

    /// <inheritdoc/>
    public void FlushTlbRange(MmStruct mm, uint start, uint end) => FlushTlbMm(mm);

    /// <inheritdoc/>
    public void FlushTlbPgtables(MmStruct mm, uint start, uint end) => FlushTlbMm(mm);
}
