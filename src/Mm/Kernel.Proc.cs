using LinuxVm.Mm.Proc;

namespace LinuxVm.Mm;

// The /proc files that show mm/ state.
public sealed partial class Kernel
{
    /// <summary>fs/proc/proc_misc.c: /proc/meminfo and /proc/buddyinfo.</summary>
    public ProcMisc ProcMisc { get; }
}
