using LinuxVm.Mm.Include;
using LinuxVm.Mm.Sim;

namespace LinuxVm.Mm.KernelModel;

/// <summary>
/// A task, <c>struct task_struct</c> (include/linux/sched.h), reduced to the fields that mm/ and
/// the pieces of kernel/ it leans on (fork, exit, signals, the scheduler) read or write.
/// </summary>
/// <remarks>
/// Models include/linux/sched.h. The kernel allocates a task and its kernel stack together in two
/// pages; here the stack is a host thread (<see cref="KernelStack"/>) that exists while the task
/// has kernel code to run or to resume.
/// </remarks>
[Linux("include/linux/sched.h", "struct task_struct")]
public sealed class TaskStruct
{
    /// <summary>Creates a task with every field zero, as <c>INIT_TASK</c> and fork fill it in afterwards.</summary>
    public TaskStruct()
    {
        RunList = new ListHead(this);
        LocalPages = new ListHead(this);
        ThreadGroup = new ListHead(this);
        Rlim = new Rlimit[Resource.RlimNlimits];
        for (int i = 0; i < Rlim.Length; i++)
            Rlim[i] = new Rlimit();
    }

    /// <summary>
    /// The host thread carrying this task's kernel stack, or null while the task has no kernel
    /// code in progress (it runs in user mode, is runnable there, or has exited).
    /// </summary>
    internal Simulation.KernelStacks.HostStack? KernelStack { get; set; }

    /// <summary><see cref="Sched.TaskRunning"/>, <see cref="Sched.TaskInterruptible"/>, ... <see cref="Sched.TaskZombie"/>.</summary>
    [Linux("include/linux/sched.h", "task_struct.state")]
    public int State { get; set; }

    /// <summary>The PF_* bits (<see cref="PfMemalloc"/>, <see cref="PfMemdie"/>, ...).</summary>
    [Linux("include/linux/sched.h", "task_struct.flags")]
    public uint Flags { get; set; }

    /// <summary>Nonzero when an unblocked signal is pending: the return to user mode must call do_signal.</summary>
    [Linux("include/linux/sched.h", "task_struct.sigpending")]
    public int Sigpending { get; set; }

    /// <summary>Set when the task should give up the CPU at the next chance.</summary>
    [Linux("include/linux/sched.h", "task_struct.need_resched")]
    public int NeedResched { get; set; }

    /// <summary>Ticks left in the current time slice; the scheduler's main goodness term.</summary>
    [Linux("include/linux/sched.h", "task_struct.counter")]
    public int Counter { get; set; }

    /// <summary>Nice value, -20 (favoured) to 19.</summary>
    [Linux("include/linux/sched.h", "task_struct.nice")]
    public int Nice { get; set; }

    /// <summary>Scheduling policy: <see cref="Sched.SchedOther"/> and friends, possibly with <see cref="Sched.SchedYield"/>.</summary>
    [Linux("include/linux/sched.h", "task_struct.policy")]
    public uint Policy { get; set; }

    /// <summary>The task's own address space; null for a kernel thread.</summary>
    [Linux("include/linux/sched.h", "task_struct.mm")]
    public MmStruct? Mm { get; set; }

    /// <summary>The CPU the task last ran on.</summary>
    [Linux("include/linux/sched.h", "task_struct.processor")]
    public int Processor { get; set; }

    /// <summary>Link on the run queue while runnable.</summary>
    [Linux("include/linux/sched.h", "task_struct.run_list")]
    public ListHead RunList { get; }

    /// <summary>Next task on the task list (circular, starting and ending at init_task).</summary>
    [Linux("include/linux/sched.h", "task_struct.next_task")]
    public TaskStruct NextTask { get; set; } = null!;

    /// <summary>Previous task on the task list.</summary>
    [Linux("include/linux/sched.h", "task_struct.prev_task")]
    public TaskStruct PrevTask { get; set; } = null!;

    /// <summary>The address space in use while running: <see cref="Mm"/>, or the one a kernel thread borrowed (lazy TLB).</summary>
    [Linux("include/linux/sched.h", "task_struct.active_mm")]
    public MmStruct? ActiveMm { get; set; }

    /// <summary>Pages freed by this task while it reclaimed for itself (used by page_alloc's balance_classzone).</summary>
    [Linux("include/linux/sched.h", "task_struct.local_pages")]
    public ListHead LocalPages { get; }

    /// <summary>Order of the allocation this task is reclaiming for.</summary>
    [Linux("include/linux/sched.h", "task_struct.allocation_order")]
    public uint AllocationOrder { get; set; }

    /// <summary>Number of pages on <see cref="LocalPages"/>.</summary>
    [Linux("include/linux/sched.h", "task_struct.nr_local_pages")]
    public uint NrLocalPages { get; set; }

    /// <summary>Exit status reported to the parent.</summary>
    [Linux("include/linux/sched.h", "task_struct.exit_code")]
    public int ExitCode { get; set; }

    /// <summary>Signal sent to the parent at exit.</summary>
    [Linux("include/linux/sched.h", "task_struct.exit_signal")]
    public int ExitSignal { get; set; }

    /// <summary>Process id; 0 only for the idle tasks.</summary>
    [Linux("include/linux/sched.h", "task_struct.pid")]
    public int Pid { get; set; }

    /// <summary>Process group.</summary>
    [Linux("include/linux/sched.h", "task_struct.pgrp")]
    public int Pgrp { get; set; }

    /// <summary>Session.</summary>
    [Linux("include/linux/sched.h", "task_struct.session")]
    public int Session { get; set; }

    /// <summary>Thread group id: the pid of the group's first thread.</summary>
    [Linux("include/linux/sched.h", "task_struct.tgid")]
    public int Tgid { get; set; }

    /// <summary>Original parent.</summary>
    [Linux("include/linux/sched.h", "task_struct.p_opptr")]
    public TaskStruct POpptr { get; set; } = null!;

    /// <summary>Current parent.</summary>
    [Linux("include/linux/sched.h", "task_struct.p_pptr")]
    public TaskStruct PPptr { get; set; } = null!;

    /// <summary>Youngest child.</summary>
    [Linux("include/linux/sched.h", "task_struct.p_cptr")]
    public TaskStruct? PCptr { get; set; }

    /// <summary>Next younger sibling.</summary>
    [Linux("include/linux/sched.h", "task_struct.p_ysptr")]
    public TaskStruct? PYsptr { get; set; }

    /// <summary>Next older sibling.</summary>
    [Linux("include/linux/sched.h", "task_struct.p_osptr")]
    public TaskStruct? POsptr { get; set; }

    /// <summary>Other threads of the same group.</summary>
    [Linux("include/linux/sched.h", "task_struct.thread_group")]
    public ListHead ThreadGroup { get; }

    /// <summary>CPU time used, in ticks: user and system, own and of waited-for children.</summary>
    [Linux("include/linux/sched.h", "task_struct.times")]
    public Tms Times { get; } = new();

    /// <summary>The value of jiffies when the task was forked.</summary>
    [Linux("include/linux/sched.h", "task_struct.start_time")]
    public uint StartTime { get; set; }

    /// <summary>Minor faults: resolved without I/O.</summary>
    [Linux("include/linux/sched.h", "task_struct.min_flt")]
    public uint MinFlt { get; set; }

    /// <summary>Major faults: had to wait for I/O (swap-in, file read).</summary>
    [Linux("include/linux/sched.h", "task_struct.maj_flt")]
    public uint MajFlt { get; set; }

    /// <summary>Pages of this task swapped out.</summary>
    [Linux("include/linux/sched.h", "task_struct.nswap")]
    public uint Nswap { get; set; }

    /// <summary>Minor faults of waited-for children.</summary>
    [Linux("include/linux/sched.h", "task_struct.cmin_flt")]
    public uint CminFlt { get; set; }

    /// <summary>Major faults of waited-for children.</summary>
    [Linux("include/linux/sched.h", "task_struct.cmaj_flt")]
    public uint CmajFlt { get; set; }

    /// <summary>Swapped pages of waited-for children.</summary>
    [Linux("include/linux/sched.h", "task_struct.cnswap")]
    public uint Cnswap { get; set; }

    /// <summary>Real user id.</summary>
    [Linux("include/linux/sched.h", "task_struct.uid")]
    public uint Uid { get; set; }

    /// <summary>Effective user id.</summary>
    [Linux("include/linux/sched.h", "task_struct.euid")]
    public uint Euid { get; set; }

    /// <summary>Saved user id.</summary>
    [Linux("include/linux/sched.h", "task_struct.suid")]
    public uint Suid { get; set; }

    /// <summary>File-system user id: the id permission checks on files use (follows euid).</summary>
    [Linux("include/linux/sched.h", "task_struct.fsuid")]
    public uint Fsuid { get; set; }

    /// <summary>Real group id.</summary>
    [Linux("include/linux/sched.h", "task_struct.gid")]
    public uint Gid { get; set; }

    /// <summary>Effective group id.</summary>
    [Linux("include/linux/sched.h", "task_struct.egid")]
    public uint Egid { get; set; }

    /// <summary>Saved group id.</summary>
    [Linux("include/linux/sched.h", "task_struct.sgid")]
    public uint Sgid { get; set; }

    /// <summary>File-system group id.</summary>
    [Linux("include/linux/sched.h", "task_struct.fsgid")]
    public uint Fsgid { get; set; }

    /// <summary>Supplementary groups (2.4 keeps up to NGROUPS, 32, in a fixed array with a count).</summary>
    [Linux("include/linux/sched.h", "task_struct.groups")]
    public uint[] Groups { get; set; } = [];

    /// <summary>Effective capabilities: bit n is capability n (<see cref="Capability.CapToMask"/>).</summary>
    [Linux("include/linux/sched.h", "task_struct.cap_effective")]
    public uint CapEffective { get; set; }

    /// <summary>Capabilities kept across exec.</summary>
    [Linux("include/linux/sched.h", "task_struct.cap_inheritable")]
    public uint CapInheritable { get; set; }

    /// <summary>Capabilities the task may make effective.</summary>
    [Linux("include/linux/sched.h", "task_struct.cap_permitted")]
    public uint CapPermitted { get; set; }

    /// <summary>Resource limits, indexed by RLIMIT_* (<see cref="Resource"/>).</summary>
    [Linux("include/linux/sched.h", "task_struct.rlim")]
    public Rlimit[] Rlim { get; }

    /// <summary>The command name (at most 15 characters, as the kernel's 16-byte array holds).</summary>
    [Linux("include/linux/sched.h", "task_struct.comm")]
    public string Comm { get; set; } = "";

    /// <summary>Protects <see cref="Blocked"/> and <see cref="Pending"/>.</summary>
    [Linux("include/linux/sched.h", "task_struct.sigmask_lock")]
    public SpinLock SigmaskLock { get; } = new("tsk->sigmask_lock");

    /// <summary>Signal handlers; null once the task has released them on exit.</summary>
    [Linux("include/linux/sched.h", "task_struct.sig")]
    public SignalStruct? Sig { get; set; }

    /// <summary>Blocked signals: bit (n-1) blocks signal n.</summary>
    [Linux("include/linux/sched.h", "task_struct.blocked")]
    public ulong Blocked { get; set; }

    /// <summary>Signals sent but not yet delivered.</summary>
    [Linux("include/linux/sched.h", "task_struct.pending")]
    public SigPending Pending { get; } = new();

    /// <summary>Protects <see cref="Mm"/> against readers such as /proc while it changes.</summary>
    [Linux("include/linux/sched.h", "task_struct.alloc_lock")]
    public SpinLock AllocLock { get; } = new("tsk->alloc_lock");

    /// <summary>Set when the task is being created.</summary>
    [Linux("include/linux/sched.h", "PF_STARTING")]
    public const uint PfStarting = 0x00000002;

    /// <summary>Set by do_exit: the task is shutting down.</summary>
    [Linux("include/linux/sched.h", "PF_EXITING")]
    public const uint PfExiting = 0x00000004;

    /// <summary>Forked and has not called exec yet.</summary>
    [Linux("include/linux/sched.h", "PF_FORKNOEXEC")]
    public const uint PfForknoexec = 0x00000040;

    /// <summary>Used super-user privileges.</summary>
    [Linux("include/linux/sched.h", "PF_SUPERPRIV")]
    public const uint PfSuperpriv = 0x00000100;

    /// <summary>Killed by a signal.</summary>
    [Linux("include/linux/sched.h", "PF_SIGNALED")]
    public const uint PfSignaled = 0x00000400;

    /// <summary>The task is itself freeing memory (or was chosen by the OOM killer): it may dip below the min watermark and must not recurse into reclaim.</summary>
    [Linux("include/linux/sched.h", "PF_MEMALLOC")]
    public const uint PfMemalloc = 0x00000800;

    /// <summary>Killed by the OOM killer.</summary>
    [Linux("include/linux/sched.h", "PF_MEMDIE")]
    public const uint PfMemdie = 0x00001000;

    /// <summary>Pages this task frees are kept on its <see cref="LocalPages"/> for its own allocation.</summary>
    [Linux("include/linux/sched.h", "PF_FREE_PAGES")]
    public const uint PfFreePages = 0x00002000;

    /// <summary>The task must not start I/O to free memory.</summary>
    [Linux("include/linux/sched.h", "PF_NOIO")]
    public const uint PfNoio = 0x00004000;

    /// <summary>Used the FPU in this time slice.</summary>
    [Linux("include/linux/sched.h", "PF_USEDFPU")]
    public const uint PfUsedfpu = 0x00100000;

    /// <inheritdoc/>
    public override string ToString() => $"{Pid} ({Comm})";
}

/// <summary>CPU times of a task in ticks, <c>struct tms</c> (include/linux/times.h).</summary>
[Linux("include/linux/times.h", "struct tms")]
public sealed class Tms
{
    /// <summary>Ticks spent in user mode.</summary>
    [Linux("include/linux/times.h", "tms.tms_utime")]
    public int TmsUtime { get; set; }

    /// <summary>Ticks spent in the kernel on the task's behalf.</summary>
    [Linux("include/linux/times.h", "tms.tms_stime")]
    public int TmsStime { get; set; }

    /// <summary>User ticks of waited-for children.</summary>
    [Linux("include/linux/times.h", "tms.tms_cutime")]
    public int TmsCutime { get; set; }

    /// <summary>System ticks of waited-for children.</summary>
    [Linux("include/linux/times.h", "tms.tms_cstime")]
    public int TmsCstime { get; set; }
}

/// <summary>One resource limit, <c>struct rlimit</c> (include/linux/resource.h).</summary>
[Linux("include/linux/resource.h", "struct rlimit")]
public sealed class Rlimit
{
    /// <summary>The soft limit, enforced.</summary>
    [Linux("include/linux/resource.h", "rlimit.rlim_cur")]
    public uint RlimCur { get; set; }

    /// <summary>The hard limit, ceiling for the soft one.</summary>
    [Linux("include/linux/resource.h", "rlimit.rlim_max")]
    public uint RlimMax { get; set; }
}

/// <summary>Resource limit numbers of i386 (include/asm-i386/resource.h).</summary>
public static class Resource
{
    /// <summary>CPU time.</summary>
    [Linux("include/asm-i386/resource.h", "RLIMIT_CPU")] public const int RlimitCpu = 0;
    /// <summary>File size.</summary>
    [Linux("include/asm-i386/resource.h", "RLIMIT_FSIZE")] public const int RlimitFsize = 1;
    /// <summary>Data segment size: brk may not grow the heap past it.</summary>
    [Linux("include/asm-i386/resource.h", "RLIMIT_DATA")] public const int RlimitData = 2;
    /// <summary>Stack size: the stack VMA may not grow past it.</summary>
    [Linux("include/asm-i386/resource.h", "RLIMIT_STACK")] public const int RlimitStack = 3;
    /// <summary>Core file size.</summary>
    [Linux("include/asm-i386/resource.h", "RLIMIT_CORE")] public const int RlimitCore = 4;
    /// <summary>Resident set size (not enforced by 2.4).</summary>
    [Linux("include/asm-i386/resource.h", "RLIMIT_RSS")] public const int RlimitRss = 5;
    /// <summary>Processes per user.</summary>
    [Linux("include/asm-i386/resource.h", "RLIMIT_NPROC")] public const int RlimitNproc = 6;
    /// <summary>Open files.</summary>
    [Linux("include/asm-i386/resource.h", "RLIMIT_NOFILE")] public const int RlimitNofile = 7;
    /// <summary>Bytes of memory that mlock may lock.</summary>
    [Linux("include/asm-i386/resource.h", "RLIMIT_MEMLOCK")] public const int RlimitMemlock = 8;
    /// <summary>Total address space (total_vm) in bytes.</summary>
    [Linux("include/asm-i386/resource.h", "RLIMIT_AS")] public const int RlimitAs = 9;
    /// <summary>File locks.</summary>
    [Linux("include/asm-i386/resource.h", "RLIMIT_LOCKS")] public const int RlimitLocks = 10;
    /// <summary>Number of limits.</summary>
    [Linux("include/asm-i386/resource.h", "RLIM_NLIMITS")] public const int RlimNlimits = 11;
    /// <summary>No limit.</summary>
    [Linux("include/asm-i386/resource.h", "RLIM_INFINITY")] public const uint RlimInfinity = ~0u;
    /// <summary>Default soft stack limit: 8 MiB.</summary>
    [Linux("include/linux/sched.h", "_STK_LIM")] public const uint StkLim = 8 * 1024 * 1024;
    /// <summary>Most files a process may have open (the default RLIMIT_NOFILE).</summary>
    [Linux("include/linux/fs.h", "INR_OPEN")] public const uint InrOpen = 1024;
}

/// <summary>Capability numbers and masks (include/linux/capability.h).</summary>
public static class Capability
{
    /// <summary>May send signals to any process.</summary>
    [Linux("include/linux/capability.h", "CAP_KILL")] public const int CapKill = 5;
    /// <summary>May change capabilities of others.</summary>
    [Linux("include/linux/capability.h", "CAP_SETPCAP")] public const int CapSetpcap = 8;
    /// <summary>May lock memory (mlock) beyond RLIMIT_MEMLOCK.</summary>
    [Linux("include/linux/capability.h", "CAP_IPC_LOCK")] public const int CapIpcLock = 14;
    /// <summary>Raw I/O (ioperm, /dev/mem): direct hardware access.</summary>
    [Linux("include/linux/capability.h", "CAP_SYS_RAWIO")] public const int CapSysRawio = 17;
    /// <summary>System administration.</summary>
    [Linux("include/linux/capability.h", "CAP_SYS_ADMIN")] public const int CapSysAdmin = 21;
    /// <summary>May exceed resource limits.</summary>
    [Linux("include/linux/capability.h", "CAP_SYS_RESOURCE")] public const int CapSysResource = 24;

    /// <summary>The bit of capability <paramref name="x"/> in a capability set.</summary>
    /// <param name="x">A capability number.</param>
    [Linux("include/linux/capability.h", "CAP_TO_MASK")]
    public static uint CapToMask(int x) => 1u << x;

    /// <summary>Every capability.</summary>
    [Linux("include/linux/capability.h", "CAP_FULL_SET")] public const uint CapFullSet = ~0u;
    /// <summary>Effective set of init_task: everything except CAP_SETPCAP.</summary>
    [Linux("include/linux/capability.h", "CAP_INIT_EFF_SET")] public const uint CapInitEffSet = ~0u & ~(1u << CapSetpcap);
    /// <summary>Inheritable set of init_task: nothing.</summary>
    [Linux("include/linux/capability.h", "CAP_INIT_INH_SET")] public const uint CapInitInhSet = 0;
}
