using LinuxVm.Mm;
using LinuxVm.Mm.Arch;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.KernelModel;

namespace LinuxVm.Arch.X86;

/// <summary>
/// The port of arch/i386/mm/fault.c: the page-fault exception handler. It decides whether a fault
/// is a vmalloc-area reference to copy from the kernel's page directory, a legitimate access to a
/// region of the process (handed to handle_mm_fault, growing the stack first if needed), a bad
/// user access (SIGSEGV), or a bad kernel access (an exception-table fixup, or an oops).
/// </summary>
/// <remarks>
/// The error code the CPU pushes:
/// <code>
///  bit 2  U/S  1 = user mode, 0 = kernel mode
///  bit 1  W/R  1 = write,     0 = read
///  bit 0  P    1 = protection violation on a present page, 0 = page not present
/// </code>
/// How the simulation runs it: the <see cref="Mmu"/> calls <see cref="HandleException"/> when a
/// translation fails. The handler runs do_page_fault with the registers of the access in progress
/// (the task's <see cref="ThreadStruct.AccessRegs"/>), then does what the return from the exception would do: for a user-mode
/// fault, deliver pending signals (a SIGSEGV kills the task); for a kernel fault fixed up through
/// the exception table, abandon the access so that the copy routine resumes at its fixup.
/// </remarks>
public sealed class Fault
{
    private readonly I386 _arch;
    private readonly Kernel _kernel;
    private readonly PtRegs _kernelRegs = new() { Eip = KernelImage.Text };

    /// <summary>Creates the handler; the architecture gives <see cref="HandleException"/> to the MMU it builds.</summary>
    /// <param name="arch">The architecture.</param>
    public Fault(I386 arch)
    {
        _arch = arch;
        _kernel = arch.Kernel;
    }

    // The yield init makes when a fault finds no memory, before it tries the fault again.
    // Port note: 2.4 retries for ever, trusting kswapd and the other tasks to free memory
    // meanwhile. If the yield let no other task run, the retry would see the very same machine
    // and the simulation would spin on one thread; that is reported as a deadlock instead.
    private void InitYieldsForMemory(uint address)
    {
        uint switches = _kernel.Sched.ContextSwtch;
        _kernel.Sched.Yield();
        if (_kernel.Sched.ContextSwtch == switches)
            throw new Mm.Simulation.DeadlockException(
                $"init (pid 1) is out of memory faulting at {address:x8} and no other task can run to free any; 2.4 would retry this fault for ever");
    }

    /// <summary>Set while an oops is being printed (<c>oops_in_progress</c>).</summary>
    [Linux("kernel/printk.c", "oops_in_progress")]
    public bool OopsInProgress { get; private set; }

    /// <summary>Page faults handled since boot, every kind included.</summary>
    public long Faults { get; private set; }

    /// <summary>The registers a fault in <paramref name="task"/>'s access in progress would push.</summary>
    /// <param name="task">The task making the access.</param>
    /// <remarks>Kernel code with no exception-table entry pushes a frame at the kernel's text,
    /// which no fixup covers.</remarks>
    public PtRegs RegsOf(TaskStruct task) => _arch.Thread(task).AccessRegs ?? _kernelRegs;

    // Exception 14 as the simulated CPU raises it: run the handler, then the exception return.
    // Returns the CPU on which to retry the access, the one the task runs on now (a handler that
    // slept may have resumed it elsewhere), or null to abandon the access (PageFaultException).
    internal Cpu? HandleException(Cpu cpu, uint address, uint errorCode)
    {
        Faults++;
        TaskStruct tsk = _kernel.Current;
        PtRegs regs = RegsOf(tsk);
        uint eip = regs.Eip;
        DoPageFault(regs, errorCode);

        if (regs.Eip != eip)
            return null; // an exception-table fixup: the access is abandoned, the copy resumes there
        if (_kernel.Current != tsk || tsk.State == Sched.TaskZombie)
            return null; // the task died (do_exit) while handling its fault
        if ((errorCode & 4) != 0 && tsk.Sigpending != 0)
        {
            // ret_from_exception to user mode: signals first. A fatal one ends the task here.
            _kernel.Signal.DoSignal();
            return null;
        }
        return _arch.CurrentCpuData;
    }

    /// <summary>
    /// Checks, on a CPU whose supervisor writes ignore page protection (an i386, before CR0.WP),
    /// that the kernel may write <paramref name="size"/> bytes at user address
    /// <paramref name="addr"/>, faulting the pages in (breaking copy-on-write) as a write would.
    /// Returns 1 if so, 0 if not.
    /// </summary>
    /// <param name="addr">User address.</param>
    /// <param name="size">Bytes.</param>
    /// <remarks>The simulated Pentium III honours CR0.WP, so access_ok never calls this; it is
    /// ported for the i386 and for readers comparing it with do_page_fault.</remarks>
    [Linux("arch/i386/mm/fault.c", "__verify_write")]
    public int VerifyWrite(uint addr, uint size)
    {
        uint start = addr;
        if (size == 0)
            return 1;

        TaskStruct current = _kernel.Current;
        VmAreaStruct? vma = _kernel.Mmap.FindVma(current.Mm, start);
        if (vma == null)
            return 0;
        if (vma.VmStart > start)
        {
            // check_stack
            if ((vma.VmFlags & VmFlags.GrowsDown) == 0 || _kernel.Memory.ExpandStack(vma, start) != 0)
                return 0;
        }

        // good_area
        if ((vma.VmFlags & VmFlags.Write) == 0)
            return 0;
        size--;
        size += start & ~PageConstants.PageMask;
        size >>= PageConstants.PageShift;
        start &= PageConstants.PageMask;

        for (;;)
        {
        survive:
            int fault = _kernel.Memory.HandleMmFault(current.Mm!, vma, start, 1);
            if (fault == 0)
                return 0;
            if (fault < 0)
            {
                // out_of_memory: init waits for memory, anyone else fails.
                if (current.Pid == 1)
                {
                    InitYieldsForMemory(start);
                    goto survive;
                }
                return 0;
            }
            if (size == 0)
                break;
            size--;
            start += PageConstants.PageSize;
            if (start < vma.VmEnd)
                continue;
            vma = vma.VmNext;
            if (vma == null || vma.VmStart != start)
                return 0;
            if ((vma.VmFlags & VmFlags.Write) == 0)
                return 0;
        }
        return 1;
    }

    /// <summary>Lets an oops message through locks that might be held (<c>bust_spinlocks</c>).</summary>
    /// <param name="yes">1 when the oops starts, 0 when it has been printed.</param>
    /// <remarks>Port note: the console and the timer-list lock are not modelled; only oops_in_progress is kept.</remarks>
    [Linux("arch/i386/mm/fault.c", "bust_spinlocks")]
    public void BustSpinlocks(int yes) => OopsInProgress = yes != 0;

    /// <summary>SIGSEGV code: no mapping at the address.</summary>
    [Linux("include/asm-i386/siginfo.h", "SEGV_MAPERR")] public const int SegvMaperr = 1;
    /// <summary>SIGSEGV code: mapped, but the access is not allowed.</summary>
    [Linux("include/asm-i386/siginfo.h", "SEGV_ACCERR")] public const int SegvAccerr = 2;
    /// <summary>SIGBUS code: the address exists but has no backing (nopage failed).</summary>
    [Linux("include/asm-i386/siginfo.h", "BUS_ADRERR")] public const int BusAdrerr = 2;

    /// <summary>
    /// The page-fault handler. The faulting address is in cr2; <paramref name="errorCode"/> says
    /// what kind of access faulted. Returns when the access can be retried, or after sending the
    /// task SIGSEGV/SIGBUS, taking an exception fixup (<paramref name="regs"/>.Eip changed), or
    /// killing the task; a kernel access with no fixup is an oops.
    /// </summary>
    /// <param name="regs">The registers at the fault.</param>
    /// <param name="errorCode">The error code (see the class remarks).</param>
    /// <exception cref="KernelPanicException">The kernel touched a bad address with no fixup (an oops).</exception>
    [Linux("arch/i386/mm/fault.c", "do_page_fault")]
    public void DoPageFault(PtRegs regs, uint errorCode)
    {
        uint address = _arch.CurrentCpuData.Cr2;
        // Interrupts could be re-enabled here (regs->eflags & IF); the simulation has none.

        TaskStruct tsk = _kernel.Current;

        // #region vmalloc
        // Kernel addresses are filled in lazily from the reference page directory, init_mm's: a
        // not-present fault there in kernel mode is usually just a pgd entry this process lacks.
        if (address >= _arch.TaskSize && (errorCode & 5) == 0)
        {
            VmallocFault(regs, address, errorCode);
            return;
        }
        // #endregion

        MmStruct? mm = tsk.Mm;
        int siCode = SegvMaperr;

        // No user context (a kernel thread), or interrupt context: the fault cannot be serviced.
        // Port note: the simulation has no interrupt context, so in_interrupt() is always false.
        if (mm == null)
        {
            NoContext(regs, address, errorCode);
            return;
        }

        mm.MmapSem.DownRead();

        // #region find
        VmAreaStruct? vma = _kernel.Mmap.FindVma(mm, address);
        if (vma == null)
            goto badArea;
        if (vma.VmStart <= address)
            goto goodArea;
        if ((vma.VmFlags & VmFlags.GrowsDown) == 0)
            goto badArea;
        if ((errorCode & 4) != 0)
        {
            // Below the stack pointer is never valid, but instructions such as pusha write up to
            // 32 bytes below it before esp moves.
            if (address + 32 < regs.Esp)
                goto badArea;
        }
        if (_kernel.Memory.ExpandStack(vma, address) != 0)
            goto badArea;
        // #endregion

    goodArea:
        // #region access
        siCode = SegvAccerr;
        int write = 0;
        switch (errorCode & 3)
        {
            default: // 3: write to a present page
            case 2:  // write to a missing page
                if ((vma.VmFlags & VmFlags.Write) == 0)
                    goto badArea;
                write++;
                break;
            case 1:  // read of a present page: only a protection fault, never allowed
                goto badArea;
            case 0:  // read of a missing page
                if ((vma.VmFlags & (VmFlags.Read | VmFlags.Exec)) == 0)
                    goto badArea;
                break;
        }
        // #endregion

    survive:
        // #region handle
        switch (_kernel.Memory.HandleMmFault(mm, vma, address, write))
        {
            case 1:
                tsk.MinFlt++;
                break;
            case 2:
                tsk.MajFlt++;
                break;
            case 0:
                goto doSigbus;
            default:
                goto outOfMemory;
        }
        // #endregion

        // vm86 screen-memory tracking: no vm86 tasks in the simulation (VM_MASK is never set).
        mm.MmapSem.UpRead();
        return;

    badArea:
        // #region bad_area
        mm.MmapSem.UpRead();

        // A user access to an address it may not touch: SIGSEGV for the task, nothing more.
        if ((errorCode & 4) != 0)
        {
            ThreadStruct thread = _arch.Thread(tsk);
            thread.Cr2 = address;
            thread.ErrorCode = errorCode;
            thread.TrapNo = 14;
            thread.LastSiCode = siCode;
            thread.LastSiAddr = address;
            _kernel.Signal.ForceSigInfo(Signal.Sigsegv, SigInfo.Kernel, tsk);
            return;
        }

        // The Pentium "F0 0F" erratum workaround (a fault on the read-only IDT standing for an
        // invalid opcode) applies only to CPUs with boot_cpu_data.f00f_bug set; the simulated
        // Pentium III does not have the bug.
        NoContext(regs, address, errorCode);
        return;
        // #endregion

    outOfMemory:
        // #region oom
        if (tsk.Pid == 1)
        {
            // init must not die: let others run (and memory be freed), then try again.
            InitYieldsForMemory(address);
            goto survive;
        }
        mm.MmapSem.UpRead();
        _kernel.Printk($"VM: killing process {tsk.Comm}");
        if ((errorCode & 4) != 0)
        {
            _kernel.Exit.DoExit(Signal.Sigkill);
            return;
        }
        NoContext(regs, address, errorCode);
        return;
        // #endregion

    doSigbus:
        mm.MmapSem.UpRead();

        // SIGBUS whether the access came from user or kernel mode.
        {
            ThreadStruct thread = _arch.Thread(tsk);
            thread.Cr2 = address;
            thread.ErrorCode = errorCode;
            thread.TrapNo = 14;
            thread.LastSiCode = BusAdrerr;
            thread.LastSiAddr = address;
            _kernel.Signal.ForceSigInfo(Signal.Sigbus, SigInfo.Kernel, tsk);
        }
        if ((errorCode & 4) == 0)
            NoContext(regs, address, errorCode);
    }

    // The no_context label: a kernel-mode fault that no region explains. The exception table
    // says whether the faulting instruction expected it (a user copy); otherwise it is an oops.
    private void NoContext(PtRegs regs, uint address, uint errorCode)
    {
        uint fixup = SearchExceptionTable(regs.Eip);
        if (fixup != 0)
        {
            regs.Eip = fixup;
            return;
        }

        BustSpinlocks(1);
        string what = address < PageConstants.PageSize
            ? "Unable to handle kernel NULL pointer dereference"
            : "Unable to handle kernel paging request";
        _kernel.Printk($"{what} at virtual address {address:x8}");
        _kernel.Printk(" printing eip:");
        _kernel.Printk($"{regs.Eip:x8}");
        Cpu cpu = _arch.CurrentCpuData;
        IArchitecture arch = _arch;
        // The entry that covers the address in the page directory the CPU was using.
        Pgd pde = arch.ReadPgd(new PgdPtr(_kernel.Va(cpu.Cr3), arch.PgdOffsetK(0).Width) + arch.PgdIndex(address));
        _kernel.Printk($"*pde = {pde.Value:x8}");
        BustSpinlocks(0);
        // Port note: die() prints the registers and the stack and, outside interrupt context,
        // do_exit(SIGKILL) ends the task; the simulation stops the machine instead, so a test sees
        // every kernel bug that the kernel itself would report.
        throw new KernelPanicException($"Oops: {what} at virtual address {address:x8}, error code {errorCode}", "do_page_fault");
    }

    /// <summary>
    /// The fixup address for a kernel instruction that is allowed to fault (one of the user-copy
    /// routines), or 0 (arch/i386/mm/extable.c).
    /// </summary>
    /// <param name="addr">The faulting instruction's address.</param>
    [Linux("arch/i386/mm/extable.c", "search_exception_table")]
    public static uint SearchExceptionTable(uint addr)
    {
        foreach ((uint insn, uint fixup) in Uaccess.ExTable)
            if (insn == addr)
                return fixup;
        return 0;
    }

    // vmalloc_fault: copy the reference pgd (and pmd) entry into the page directory in use.
    // No locks: this may run in the middle of anything, and only copies what init_mm has.
    private void VmallocFault(PtRegs regs, uint address, uint errorCode)
    {
        IArchitecture arch = _arch;
        int offset = arch.PgdIndex(address);
        uint width = arch.PgdOffsetK(0).Width;
        PgdPtr pgd = new PgdPtr(_kernel.Va(_arch.CurrentCpuData.Cr3), width) + offset;
        PgdPtr pgdK = new PgdPtr(_kernel.InitMm.Pgd, width) + offset;

        if (!arch.ReadPgd(pgdK).Present)
        {
            NoContext(regs, address, errorCode);
            return;
        }
        arch.SetPgd(pgd, arch.ReadPgd(pgdK));

        PmdPtr pmd = arch.PmdOffset(pgd, address);
        PmdPtr pmdK = arch.PmdOffset(pgdK, address);
        if (!arch.ReadPmd(pmdK).Present)
        {
            NoContext(regs, address, errorCode);
            return;
        }
        arch.SetPmd(pmd, arch.ReadPmd(pmdK));

        PtePtr pteK = arch.PteOffset(pmdK, address);
        if (!arch.ReadPte(pteK).Present)
            NoContext(regs, address, errorCode);
    }
}
