namespace LinuxVm.Mm.KernelModel;

/// <summary>
/// kernel/signal.c, with do_signal of arch/i386/kernel/signal.c: the signals mm/ sends (SIGKILL
/// from the OOM killer, SIGSEGV and SIGBUS from the fault handler, SIGXCPU/SIGKILL for CPU limits)
/// are queued on the target and acted on when it next returns to user mode.
/// </summary>
/// <remarks>
/// Port note: only the set of pending signals is kept, not the siginfo records queued beside it
/// (nothing in mm/ reads them), and there is no user code to run a handler: a signal caught by a
/// handler is recorded in <see cref="SignalStruct.Handled"/>. Job-control stops, ptrace and core
/// dumps are outside this model.
/// </remarks>
public sealed class Signal
{
    private readonly Kernel _kernel;

    /// <summary>Creates the signal code of <paramref name="kernel"/>.</summary>
    /// <param name="kernel">The kernel.</param>
    public Signal(Kernel kernel) => _kernel = kernel;

    /// <summary>Number of signals.</summary>
    [Linux("include/asm-i386/signal.h", "_NSIG")] public const int Nsig = 64;
    /// <summary>Hang-up.</summary>
    [Linux("include/asm-i386/signal.h", "SIGHUP")] public const int Sighup = 1;
    /// <summary>Quit (core).</summary>
    [Linux("include/asm-i386/signal.h", "SIGQUIT")] public const int Sigquit = 3;
    /// <summary>Illegal instruction (core).</summary>
    [Linux("include/asm-i386/signal.h", "SIGILL")] public const int Sigill = 4;
    /// <summary>Trace trap (core).</summary>
    [Linux("include/asm-i386/signal.h", "SIGTRAP")] public const int Sigtrap = 5;
    /// <summary>Abort (core).</summary>
    [Linux("include/asm-i386/signal.h", "SIGABRT")] public const int Sigabrt = 6;
    /// <summary>Bus error: a mapping exists but its page cannot be provided (core).</summary>
    [Linux("include/asm-i386/signal.h", "SIGBUS")] public const int Sigbus = 7;
    /// <summary>Arithmetic error (core).</summary>
    [Linux("include/asm-i386/signal.h", "SIGFPE")] public const int Sigfpe = 8;
    /// <summary>Kill: cannot be caught, blocked or ignored (except by init).</summary>
    [Linux("include/asm-i386/signal.h", "SIGKILL")] public const int Sigkill = 9;
    /// <summary>Invalid memory reference (core).</summary>
    [Linux("include/asm-i386/signal.h", "SIGSEGV")] public const int Sigsegv = 11;
    /// <summary>Termination request.</summary>
    [Linux("include/asm-i386/signal.h", "SIGTERM")] public const int Sigterm = 15;
    /// <summary>Child stopped or exited (ignored by default).</summary>
    [Linux("include/asm-i386/signal.h", "SIGCHLD")] public const int Sigchld = 17;
    /// <summary>Continue if stopped (ignored by default).</summary>
    [Linux("include/asm-i386/signal.h", "SIGCONT")] public const int Sigcont = 18;
    /// <summary>Stop (cannot be caught).</summary>
    [Linux("include/asm-i386/signal.h", "SIGSTOP")] public const int Sigstop = 19;
    /// <summary>Terminal stop.</summary>
    [Linux("include/asm-i386/signal.h", "SIGTSTP")] public const int Sigtstp = 20;
    /// <summary>Background read from the terminal.</summary>
    [Linux("include/asm-i386/signal.h", "SIGTTIN")] public const int Sigttin = 21;
    /// <summary>Background write to the terminal.</summary>
    [Linux("include/asm-i386/signal.h", "SIGTTOU")] public const int Sigttou = 22;
    /// <summary>Urgent socket data (ignored by default).</summary>
    [Linux("include/asm-i386/signal.h", "SIGURG")] public const int Sigurg = 23;
    /// <summary>CPU time limit exceeded (core).</summary>
    [Linux("include/asm-i386/signal.h", "SIGXCPU")] public const int Sigxcpu = 24;
    /// <summary>File size limit exceeded (core).</summary>
    [Linux("include/asm-i386/signal.h", "SIGXFSZ")] public const int Sigxfsz = 25;
    /// <summary>Window size change (ignored by default).</summary>
    [Linux("include/asm-i386/signal.h", "SIGWINCH")] public const int Sigwinch = 28;
    /// <summary>Bad system call (core).</summary>
    [Linux("include/asm-i386/signal.h", "SIGSYS")] public const int Sigsys = 31;
    /// <summary>First real-time signal.</summary>
    [Linux("include/asm-i386/signal.h", "SIGRTMIN")] public const int Sigrtmin = 32;

    /// <summary>Handler value meaning "the default action".</summary>
    [Linux("include/asm-i386/signal.h", "SIG_DFL")] public const uint SigDfl = 0;
    /// <summary>Handler value meaning "ignore".</summary>
    [Linux("include/asm-i386/signal.h", "SIG_IGN")] public const uint SigIgn = 1;

    /// <summary>The bit of signal <paramref name="sig"/> in a signal set.</summary>
    /// <param name="sig">A signal number, 1 to 64.</param>
    [Linux("include/linux/signal.h", "sigmask")]
    public static ulong Sigmask(int sig) => 1UL << (sig - 1);

    /// <summary>Whether <paramref name="t"/> has an unblocked signal waiting.</summary>
    /// <param name="t">A task.</param>
    [Linux("include/linux/sched.h", "signal_pending")]
    public static bool SignalPending(TaskStruct t) => t.Sigpending != 0;

    /// <summary>Recomputes <see cref="TaskStruct.Sigpending"/> from the pending and blocked sets.</summary>
    /// <param name="t">A task.</param>
    [Linux("include/linux/sched.h", "recalc_sigpending")]
    public static void RecalcSigpending(TaskStruct t) =>
        t.Sigpending = (t.Pending.Signal & ~t.Blocked) != 0 ? 1 : 0;

    // The lowest-numbered signal pending and not in mask, or 0.
    [Linux("kernel/signal.c", "next_signal")]
    private static int NextSignal(TaskStruct tsk, ulong mask)
    {
        ulong x = tsk.Pending.Signal & ~mask;
        return x == 0 ? 0 : System.Numerics.BitOperations.TrailingZeroCount(x) + 1;
    }

    /// <summary>Takes the lowest pending signal not in <paramref name="mask"/> off current's queue; 0 if none.</summary>
    /// <param name="mask">Signals to leave pending (normally current's blocked set).</param>
    [Linux("kernel/signal.c", "dequeue_signal")]
    public int DequeueSignal(ulong mask)
    {
        TaskStruct current = _kernel.Sched.Current;
        int sig = NextSignal(current, mask);
        if (sig != 0)
        {
            current.Pending.Signal &= ~Sigmask(sig);
            RecalcSigpending(current);
        }
        return sig;
    }

    // The permission check for signals from user space: a kernel-generated signal (info = 1) always
    // passes; otherwise the sender must share a uid with the target or hold CAP_KILL.
    [Linux("kernel/signal.c", "bad_signal")]
    private bool BadSignal(int sig, SigInfo info, TaskStruct t)
    {
        TaskStruct current = _kernel.Sched.Current;
        return info == SigInfo.User
            && (sig != Sigcont)
            && (current.Euid ^ t.Suid) != 0 && (current.Euid ^ t.Uid) != 0
            && (current.Uid ^ t.Suid) != 0 && (current.Uid ^ t.Uid) != 0
            && (current.CapEffective & Capability.CapToMask(Capability.CapKill)) == 0;
    }

    // What a signal does when it arrives: 1 wakes the task (it has a handler or a stopping
    // default), 0 does nothing (ignored), -1 is a default that kills.
    [Linux("kernel/signal.c", "signal_type")]
    private static int SignalType(int sig, SignalStruct? signals)
    {
        if (signals == null)
            return 0;
        uint handler = signals.Action[sig - 1];
        if (handler > 1)
            return 1;
        if (handler == SigIgn)
            return sig == Sigchld ? 1 : 0;
        switch (sig)
        {
            case Sigcont: case Sigwinch: case Sigchld: case Sigurg:
                return 0;
            case Sigtstp: case Sigttin: case Sigttou:
                return 1;
            default:
                return -1;
        }
    }

    [Linux("kernel/signal.c", "ignored_signal")]
    private static bool IgnoredSignal(int sig, TaskStruct t)
    {
        if ((t.Blocked & Sigmask(sig)) != 0)
            return false;
        return SignalType(sig, t.Sig) == 0;
    }

    // SIGKILL and SIGCONT cancel pending stops and wake a stopped task; a stop cancels SIGCONT.
    [Linux("kernel/signal.c", "handle_stop_signal")]
    private void HandleStopSignal(int sig, TaskStruct t)
    {
        switch (sig)
        {
            case Sigkill: case Sigcont:
                if (t.State == Sched.TaskStopped)
                    _kernel.Sched.WakeUpProcess(t);
                t.ExitCode = 0;
                t.Pending.Signal &= ~(Sigmask(Sigstop) | Sigmask(Sigtstp) | Sigmask(Sigttou) | Sigmask(Sigttin));
                RecalcSigpending(t);
                break;
            case Sigstop: case Sigtstp: case Sigttin: case Sigttou:
                t.Pending.Signal &= ~Sigmask(Sigcont);
                RecalcSigpending(t);
                break;
        }
    }

    [Linux("kernel/signal.c", "send_signal")]
    private static int SendSignal(int sig, SigPending signals)
    {
        signals.Signal |= Sigmask(sig);
        return 0;
    }

    // Marks the task as having a signal to look at, waking it from an interruptible sleep.
    [Linux("kernel/signal.c", "signal_wake_up")]
    private void SignalWakeUp(TaskStruct t)
    {
        t.Sigpending = 1;
        if ((t.State & Sched.TaskInterruptible) != 0)
            _kernel.Sched.WakeUpProcess(t);
    }

    [Linux("kernel/signal.c", "deliver_signal")]
    private int DeliverSignal(int sig, TaskStruct t)
    {
        int retval = SendSignal(sig, t.Pending);
        if (retval == 0 && (t.Blocked & Sigmask(sig)) == 0)
            SignalWakeUp(t);
        return retval;
    }

    /// <summary>Sends <paramref name="sig"/> to <paramref name="t"/>; returns 0 or a negative errno.</summary>
    /// <param name="sig">Signal number, 0 to probe.</param>
    /// <param name="info">Who is sending: user space or the kernel.</param>
    /// <param name="t">The target.</param>
    [Linux("kernel/signal.c", "send_sig_info")]
    public int SendSigInfo(int sig, SigInfo info, TaskStruct t)
    {
        if (sig < 0 || sig > Nsig)
            return -Errno.Einval;
        if (BadSignal(sig, info, t))
            return -Errno.Eperm;
        if (sig == 0 || t.Sig == null)
            return 0;

        int ret = 0;
        t.SigmaskLock.Lock();
        HandleStopSignal(sig, t);
        // A signal that would be discarded on arrival is dropped now; a classic (non-real-time)
        // signal already pending is not queued twice.
        if (!IgnoredSignal(sig, t) && !(sig < Sigrtmin && (t.Pending.Signal & Sigmask(sig)) != 0))
            ret = DeliverSignal(sig, t);
        t.SigmaskLock.Unlock();
        return ret;
    }

    /// <summary>Sends a signal the target cannot ignore or block: SIG_IGN is reset to SIG_DFL and the signal unblocked.</summary>
    /// <param name="sig">Signal number.</param>
    /// <param name="info">Who is sending.</param>
    /// <param name="t">The target.</param>
    [Linux("kernel/signal.c", "force_sig_info")]
    public int ForceSigInfo(int sig, SigInfo info, TaskStruct t)
    {
        t.SigmaskLock.Lock();
        if (t.Sig == null)
        {
            t.SigmaskLock.Unlock();
            return -Errno.Esrch;
        }
        if (t.Sig.Action[sig - 1] == SigIgn)
            t.Sig.Action[sig - 1] = SigDfl;
        t.Blocked &= ~Sigmask(sig);
        RecalcSigpending(t);
        t.SigmaskLock.Unlock();
        return SendSigInfo(sig, info, t);
    }

    /// <summary>Sends a signal; <paramref name="priv"/> nonzero means "from the kernel" and skips the permission check.</summary>
    /// <param name="sig">Signal number.</param>
    /// <param name="p">The target.</param>
    /// <param name="priv">Nonzero for a kernel-generated signal.</param>
    [Linux("kernel/signal.c", "send_sig")]
    public int SendSig(int sig, TaskStruct p, int priv) =>
        SendSigInfo(sig, priv != 0 ? SigInfo.Kernel : SigInfo.User, p);

    /// <summary>Forces a kernel-generated signal on <paramref name="p"/> (what the OOM killer and the fault handler use).</summary>
    /// <param name="sig">Signal number.</param>
    /// <param name="p">The target.</param>
    [Linux("kernel/signal.c", "force_sig")]
    public void ForceSig(int sig, TaskStruct p) => ForceSigInfo(sig, SigInfo.Kernel, p);

    /// <summary>Current dies of <paramref name="sig"/>: the signal is marked, the rest of its thread group is signalled too, and it exits.</summary>
    /// <param name="sig">The fatal signal.</param>
    /// <param name="exitCode">Status for the parent (the signal number, plus 0x80 after a core dump).</param>
    [Linux("kernel/signal.c", "sig_exit")]
    public void SigExit(int sig, int exitCode)
    {
        TaskStruct current = _kernel.Sched.Current;
        current.Pending.Signal |= Sigmask(sig);
        RecalcSigpending(current);
        current.Flags |= TaskStruct.PfSignaled;

        foreach (TaskStruct t in current.ThreadGroup.Entries<TaskStruct>())
            ForceSigInfo(sig, SigInfo.Kernel, t);

        _kernel.Exit.DoExit(exitCode);
    }

    /// <summary>
    /// Acts on current's pending signals before it returns to user mode: ignored ones are dropped,
    /// caught ones are recorded, and a signal whose default action is fatal ends the task. Returns
    /// 1 when a signal was delivered to a handler, 0 otherwise.
    /// </summary>
    /// <remarks>Init (pid 1) is spared every default action: a signal init has no handler for does nothing to it, SIGKILL included.</remarks>
    [Linux("arch/i386/kernel/signal.c", "do_signal")]
    public int DoSignal()
    {
        TaskStruct current = _kernel.Sched.Current;
        for (;;)
        {
            current.SigmaskLock.Lock();
            int signr = DequeueSignal(current.Blocked);
            current.SigmaskLock.Unlock();
            if (signr == 0)
                break;

            uint handler = current.Sig!.Action[signr - 1];
            if (handler == SigIgn)
                continue; // Port note: the SIGCHLD reaping loop (sys_wait4) is not modelled.

            if (handler == SigDfl)
            {
                int exitCode = signr;
                if (current.Pid == 1)
                    continue;
                switch (signr)
                {
                    case Sigcont: case Sigchld: case Sigwinch: case Sigurg:
                        continue;
                    case Sigtstp: case Sigttin: case Sigttou: case Sigstop:
                        current.State = Sched.TaskStopped;
                        current.ExitCode = signr;
                        _kernel.Sched.Schedule();
                        continue;
                    default:
                        // Port note: SIGSEGV, SIGBUS and the other core-dumping signals would call
                        // do_coredump first; no core file is written here.
                        SigExit(signr, exitCode);
                        return 0;
                }
            }

            current.Sig.Handled.Add(signr);
            return 1;
        }
        return 0;
    }
}

/// <summary>Who sends a signal: the <c>info</c> argument of send_sig_info reduced to the two cases mm/ uses.</summary>
public enum SigInfo
{
    /// <summary>From user space (<c>info</c> = 0): subject to the permission check.</summary>
    User = 0,

    /// <summary>From the kernel (<c>info</c> = 1): always allowed.</summary>
    Kernel = 1,
}

/// <summary>A task's signal handlers, <c>struct signal_struct</c> (include/linux/sched.h).</summary>
[Linux("include/linux/sched.h", "struct signal_struct")]
public sealed class SignalStruct
{
    /// <summary>
    /// Bytes of a <c>struct signal_struct</c> on i386: the count and the spinlock (8) and _NSIG = 64
    /// k_sigactions of 20 bytes each (handler, flags, restorer and a 64-bit mask), what the
    /// signal_act cache is made for.
    /// </summary>
    public const uint SizeOf = 1288;

    /// <summary>Tasks sharing this table (threads made with CLONE_SIGHAND count one each).</summary>
    [Linux("include/linux/sched.h", "signal_struct.count")]
    public int Count { get; set; } = 1;

    /// <summary>Kernel virtual address of the table's object in the signal_act cache; 0 for init_task's static table.</summary>
    /// <remarks>Port note: C's table *is* those bytes; here the slab allocator hands out the storage
    /// and the fields stay in this object. The address is cleared when the object is freed.</remarks>
    public uint Objp { get; internal set; }

    /// <summary>Handler of each signal (index sig-1): <see cref="Signal.SigDfl"/>, <see cref="Signal.SigIgn"/> or a user address.</summary>
    [Linux("include/linux/sched.h", "signal_struct.action")]
    public uint[] Action { get; } = new uint[Signal.Nsig];

    /// <summary>Signals delivered to a user handler, in order (the simulation's stand-in for running the handler).</summary>
    public List<int> Handled { get; } = [];
}

/// <summary>Signals sent and not yet delivered, <c>struct sigpending</c> (include/linux/signal.h).</summary>
[Linux("include/linux/signal.h", "struct sigpending")]
public sealed class SigPending
{
    /// <summary>Bit (n-1) set while signal n is pending.</summary>
    [Linux("include/linux/signal.h", "sigpending.signal")]
    public ulong Signal { get; set; }
}
