using LinuxVm.Mm;

namespace LinuxVm.Arch.X86;

/// <summary>
/// The registers a task had in user mode, saved on its kernel stack when it entered the kernel
/// (<c>struct pt_regs</c>, include/asm-i386/ptrace.h), reduced to the ones the fault path reads.
/// </summary>
[Linux("include/asm-i386/ptrace.h", "struct pt_regs")]
public sealed class PtRegs
{
    /// <summary>Where the faulting instruction is; the exception table is searched with it.</summary>
    [Linux("include/asm-i386/ptrace.h", "pt_regs.eip")]
    public uint Eip { get; set; }

    /// <summary>The stack pointer at the time of the fault (user mode: the process's stack).</summary>
    [Linux("include/asm-i386/ptrace.h", "pt_regs.esp")]
    public uint Esp { get; set; }

    /// <summary>EFLAGS; <see cref="X86EflagsIf"/> says whether interrupts were on.</summary>
    [Linux("include/asm-i386/ptrace.h", "pt_regs.eflags")]
    public uint Eflags { get; set; } = X86EflagsIf;

    /// <summary>The interrupt-enable flag of EFLAGS.</summary>
    [Linux("include/asm-i386/processor.h", "X86_EFLAGS_IF")]
    public const uint X86EflagsIf = 0x00000200;

    /// <summary>The virtual-8086 flag of EFLAGS (never set in the simulation: no vm86 tasks).</summary>
    [Linux("include/asm-i386/vm86.h", "VM_MASK")]
    public const uint VmMask = 0x00020000;
}

/// <summary>
/// The i386 per-task state the fault path writes (<c>struct thread_struct</c>,
/// include/asm-i386/processor.h), with the task's user registers and its address limit.
/// </summary>
/// <remarks>Port note: in the kernel these live in task_struct (thread, addr_limit) and on the
/// kernel stack (pt_regs). The generic task model knows no i386 registers, so the architecture
/// keeps them beside each task (<see cref="I386.Thread"/>).</remarks>
[Linux("include/asm-i386/processor.h", "struct thread_struct")]
public sealed class ThreadStruct
{
    /// <summary>The address of the last fault that sent a signal.</summary>
    [Linux("include/asm-i386/processor.h", "thread_struct.cr2")]
    public uint Cr2 { get; set; }

    /// <summary>The trap number of that fault (14 for a page fault).</summary>
    [Linux("include/asm-i386/processor.h", "thread_struct.trap_no")]
    public uint TrapNo { get; set; }

    /// <summary>The error code of that fault.</summary>
    [Linux("include/asm-i386/processor.h", "thread_struct.error_code")]
    public uint ErrorCode { get; set; }

    /// <summary>The user-mode registers saved when the task last entered the kernel.</summary>
    public PtRegs Regs { get; } = new();

    /// <summary>
    /// The registers a page fault would push for the access this task is making now: its user
    /// registers while it runs in user mode, a kernel frame at the copy instruction while a
    /// uaccess routine runs, and null in kernel code with no exception-table entry.
    /// </summary>
    /// <remarks>Port note: the CPU pushes pt_regs onto the faulting task's kernel stack when the
    /// fault happens. The simulation names them before the access instead, and keeps them with
    /// the task rather than the CPU, so that a fault handler that sleeps, and a task that resumes
    /// on another CPU, still see the frame of their own access.</remarks>
    public PtRegs? AccessRegs { get; set; }

    /// <summary>
    /// The highest address + 1 that the uaccess checks let the task pass to the kernel
    /// (<c>task_struct.addr_limit</c>): USER_DS (PAGE_OFFSET) normally, KERNEL_DS while the
    /// kernel calls its own system calls on kernel buffers (set_fs).
    /// </summary>
    [Linux("include/linux/sched.h", "task_struct.addr_limit")]
    public uint AddrLimit { get; set; } = Uaccess.UserDs;

    /// <summary>The signal info of the last fault signal: si_code (SEGV_MAPERR, SEGV_ACCERR, BUS_ADRERR).</summary>
    public int LastSiCode { get; set; }

    /// <summary>The signal info of the last fault signal: si_addr.</summary>
    public uint LastSiAddr { get; set; }
}
