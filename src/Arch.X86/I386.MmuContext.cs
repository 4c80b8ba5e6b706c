using System.Runtime.CompilerServices;
using LinuxVm.Mm;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.KernelModel;

namespace LinuxVm.Arch.X86;

// include/asm-i386/mmu_context.h: handing a CPU from one address space to another, and the
// architecture's per-task state (thread_struct, the saved user registers).
public sealed partial class I386
{
    private readonly ConditionalWeakTable<TaskStruct, ThreadStruct> _threads = new();

    /// <summary>The i386 state of <paramref name="task"/>: its thread_struct, user registers and address limit.</summary>
    /// <param name="task">A task.</param>
    public ThreadStruct Thread(TaskStruct task) => _threads.GetValue(task, _ => new ThreadStruct());

    /// <summary>
    /// arch/i386/mm/fault.c: the page-fault handler, the MMU's exception-14 handler from the
    /// moment the architecture is attached to its kernel.
    /// </summary>
    public Fault Fault { get; private set; } = null!;

    /// <summary>
    /// Moves CPU <paramref name="cpu"/> from address space <paramref name="prev"/> to
    /// <paramref name="next"/>: it leaves prev's cpu_vm_mask (no more flush IPIs for it), joins
    /// next's and loads next's page directory, which drops the non-global TLB entries.
    /// </summary>
    /// <param name="prev">The address space the CPU was using.</param>
    /// <param name="next">The one it will use.</param>
    /// <param name="tsk">The task being switched to.</param>
    /// <param name="cpu">The CPU.</param>
    /// <remarks>Port note: the LDT reload and the cpu_tlbstate bookkeeping of lazy-TLB mode are not
    /// modelled; the flush IPIs of this port go to every CPU whose cr3 holds the mm, which is the
    /// same set. An address space without a page directory (a kernel that was never booted) loads
    /// nothing.</remarks>
    [Linux("include/asm-i386/mmu_context.h", "switch_mm")]
    public void SwitchMm(MmStruct prev, MmStruct next, TaskStruct tsk, int cpu)
    {
        uint bit = 1u << cpu;
        if (prev != next)
        {
            prev.CpuVmMask &= ~bit;
            next.CpuVmMask |= bit;
            if (next.Pgd != 0)
                LoadCr3(next.Pgd); // switch_mm runs on the CPU it switches
        }
        else if ((next.CpuVmMask & bit) == 0)
        {
            // Back from lazy-TLB mode, during which this CPU got no flush IPIs: flush now.
            next.CpuVmMask |= bit;
            LocalFlushTlb();
        }
    }
}
