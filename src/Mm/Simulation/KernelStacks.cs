using System.Threading;
using System.Runtime.ExceptionServices;
using LinuxVm.Mm.KernelModel;

namespace LinuxVm.Mm.Simulation;

/// <summary>
/// The kernel stacks of a simulated machine's tasks, and the baton that lets exactly one of them
/// run. A task's kernel code runs on a host thread that stands for its kernel stack: when the task
/// sleeps in schedule(), <see cref="SwitchTo"/> hands the baton to the thread of the task picked
/// next and parks this one until the task is picked again, so the C# call stack of a sleeping task
/// is kept exactly as the C's stack would be (xv6's <c>swtch</c>, with threads for stacks).
/// </summary>
/// <remarks>
/// <para>Three kinds of host thread take part:</para>
/// <list type="bullet">
/// <item>The outside thread: whoever drives the machine (a test, the <c>vm</c> tool). A system
/// call made through <see cref="Driver.RunAs{T}(TaskStruct, Func{T})"/> runs straight on it, with
/// no hand-off; only if the call sleeps does the thread park as that task's stack.</item>
/// <item>Task threads: a task that enters the kernel on its own (a kernel thread, a system call
/// started with <see cref="Driver.Start{T}(TaskStruct, Func{T})"/>, a signal delivered at a clock
/// tick) gets one, created when it starts and ended when it returns to user mode or exits.</item>
/// <item>The machine thread: runs the clock and the idle CPUs while the outside thread is parked
/// as a sleeping task's stack; created the first time that happens.</item>
/// </list>
/// <para>Whatever runs with no task's kernel code to continue (an idle CPU, a task in user mode, the
/// clock) runs on the executor: the outside thread when it is not a task's stack, else the machine
/// thread. A panic on any thread is carried to the outside thread and rethrown there; disposing
/// the machine unwinds and ends every parked thread.</para>
/// </remarks>
public sealed class KernelStacks : IDisposable
{
    private readonly Kernel _kernel;
    private readonly HostStack _outside = new("outside", null);
    private readonly List<HostStack> _threads = [];
    private HostStack? _machine;
    private HostStack _running;
    private Exception? _fault;
    private bool _disposed;
    private int _created;

    /// <summary>Creates the stacks of <paramref name="kernel"/>: at first only the outside thread exists.</summary>
    /// <param name="kernel">The kernel.</param>
    public KernelStacks(Kernel kernel)
    {
        _kernel = kernel;
        _running = _outside;
    }

    /// <summary>Host threads created for this machine so far (task threads and the machine thread).</summary>
    public int ThreadsCreated => _created;

    /// <summary>Host threads of this machine alive now (parked or running), the outside thread not counted.</summary>
    public int LiveThreads => _threads.Count;

    /// <summary>When true, every context switch is appended to <see cref="SwitchTrace"/>.</summary>
    public bool TraceSwitches { get; set; }

    /// <summary>The context switches since <see cref="TraceSwitches"/> was turned on: jiffies, CPU, and the pids switched from and to.</summary>
    public List<(ulong Jiffies, int Cpu, int Prev, int Next)> SwitchTrace { get; } = [];

    /// <summary>True when the calling code runs on the outside thread and that thread is not a task's stack.</summary>
    internal bool OutsideIsFree => _running == _outside && _outside.Task == null;

    /// <summary>True while the outside thread carries <paramref name="task"/>'s kernel code.</summary>
    /// <param name="task">A task.</param>
    internal bool OutsideRuns(TaskStruct task) => _outside.Task == task;

    // The thread that runs the machine when no task's code is to be continued: the outside
    // thread unless it is a sleeping task's stack, else the machine thread, started the first
    // time it is needed.
    private HostStack Executor()
    {
        if (_outside.Task == null)
            return _outside;
        if (_machine == null)
        {
            _machine = new HostStack("machine", null);
            StartThread(_machine, () => MachineMain(_machine));
        }
        return _machine;
    }

    /// <summary>The outside thread becomes <paramref name="task"/>'s kernel stack for a system call.</summary>
    /// <param name="task">The task entering the kernel.</param>
    internal void EnterOnOutside(TaskStruct task)
    {
        _outside.Task = task;
        task.KernelStack = _outside;
    }

    /// <summary>The task whose system call ran on the outside thread has left the kernel (returned or exited).</summary>
    /// <param name="task">The task.</param>
    internal void LeaveOutside(TaskStruct task)
    {
        _outside.Task = null;
        if (task.KernelStack == _outside)
            task.KernelStack = null;
    }

    /// <summary>
    /// Gives <paramref name="task"/> a kernel stack of its own, parked until the scheduler picks
    /// the task, on which it will run <paramref name="body"/>. When the body returns the task goes
    /// back to user mode; if it exits (do_exit) the stack ends there.
    /// </summary>
    /// <param name="task">The task.</param>
    /// <param name="body">Its kernel code.</param>
    internal void CreateStack(TaskStruct task, Action body)
    {
        var me = new HostStack($"{task.Pid} {task.Comm}", task);
        task.KernelStack = me;
        _threads.Add(me);
        StartThread(me, () => TaskMain(me, task, body));
    }

    /// <summary>
    /// Runs <paramref name="task"/>'s kernel code <paramref name="body"/> on a stack of its own,
    /// now: the task must be current on the executing CPU. Returns on the executor once the baton
    /// comes back to it (the body finished, or it sleeps).
    /// </summary>
    /// <param name="task">The current task.</param>
    /// <param name="body">Its kernel code.</param>
    internal void RunOnOwnStack(TaskStruct task, Action body)
    {
        HostStack me = _running;
        CreateStack(task, body);
        HandOff(task.KernelStack!);
        Park(me);
    }

    /// <summary>
    /// The host side of a context switch from <paramref name="prev"/> to <paramref name="next"/>,
    /// called by schedule() once <c>current</c> is next. Returns true when this thread has
    /// resumed as prev (prev was picked again and its kernel code continues), false when the
    /// thread was not carrying prev's code (it is the executor, or prev has exited) and schedule
    /// must simply return.
    /// </summary>
    /// <param name="prev">The task switched away from.</param>
    /// <param name="next">The task switched to.</param>
    internal bool SwitchTo(TaskStruct prev, TaskStruct next)
    {
        if (TraceSwitches)
            SwitchTrace.Add((_kernel.Jiffies, _kernel.CurrentCpu, prev.Pid, next.Pid));
        HostStack me = _running;
        HostStack target = next.KernelStack ?? Executor();
        bool asPrev = prev.KernelStack == me && me.Task == prev;
        if (target == me)
            return asPrev;
        HandOff(target);
        if (me.Dying)
            return false;
        Park(me);
        if (asPrev)
            _kernel.CurrentCpu = prev.Processor;
        return asPrev;
    }

    // The baton goes to `to`; the caller must park (or end) straight after.
    private void HandOff(HostStack to)
    {
        _running = to;
        to.Go.Release();
    }

    // Waits for the baton. On the outside thread, a panic raised on another thread is rethrown.
    private void Park(HostStack me)
    {
        me.Go.Wait();
        if (me.Stop)
            throw new StackUnwindException();
        if (me == _outside && _fault != null)
        {
            Exception f = _fault;
            _fault = null;
            ExceptionDispatchInfo.Capture(f).Throw();
        }
    }

    private void StartThread(HostStack hs, Action main)
    {
        _created++;
        hs.Thread = new Thread(() => main(), 1 << 20)
        {
            IsBackground = true,
            Name = $"linuxvm {hs.Name}",
        };
        hs.Thread.Start();
    }

    private void TaskMain(HostStack me, TaskStruct task, Action body)
    {
        try
        {
            Park(me);
            _kernel.CurrentCpu = task.Processor;
            try
            {
                body();
            }
            catch (TaskExitException)
            {
                // do_exit's last schedule(): switch away for good, and let this stack end.
                ReleaseStack(me, task);
                _kernel.Sched.Schedule();
                return;
            }
            // Back to user mode: the task has no kernel code left to run.
            ReleaseStack(me, task);
            HandOff(Executor());
        }
        catch (Exception e)
        {
            if (me.Stop)
                return;   // the machine is being disposed: unwound, nothing more to do
            ReleaseStack(me, task);
            _fault = e;
            HandOff(_outside);
        }
    }

    // The thread stops being task's stack and will end; it must not touch the machine after its
    // next hand-off.
    private void ReleaseStack(HostStack me, TaskStruct task)
    {
        me.Dying = true;
        me.Task = null;
        if (task.KernelStack == me)
            task.KernelStack = null;
        _threads.Remove(me);
    }

    private void MachineMain(HostStack me)
    {
        try
        {
            Park(me);
            for (;;)
                _kernel.Driver.RunMachine();
        }
        catch (Exception e)
        {
            if (me.Stop)
                return;
            // Deadlock or panic while the outside thread waits in a sleeping task: report it there.
            _machine = null;
            me.Dying = true;
            _fault = e;
            HandOff(_outside);
        }
    }

    /// <summary>Ends every parked thread of the machine (unwinding their stacks) and waits for them.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        var all = new List<HostStack>(_threads);
        if (_machine != null)
            all.Add(_machine);
        foreach (HostStack hs in all)
        {
            hs.Stop = true;
            hs.Go.Release();
            hs.Thread!.Join();
            hs.Go.Dispose();
        }
        _threads.Clear();
        _machine = null;
    }

    /// <summary>A host thread taking part in the machine: the outside thread, a task's stack or the machine thread.</summary>
    internal sealed class HostStack(string name, TaskStruct? task)
    {
        public SemaphoreSlim Go { get; } = new(0, 1);
        public Thread? Thread { get; set; }
        public string Name { get; } = name;
        public TaskStruct? Task { get; set; } = task;
        public bool Stop { get; set; }
        public bool Dying { get; set; }

        public override string ToString() => Name;
    }
}

/// <summary>Unwinds a parked task's stack when its machine is disposed.</summary>
public sealed class StackUnwindException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StackUnwindException() : base("the machine was disposed while this task slept") { }
}

/// <summary>
/// Thrown by do_exit once the task is a zombie: do_exit never returns in the C, so the task's
/// stack is unwound to its base, where the task's last schedule() switches away for good.
/// </summary>
public sealed class TaskExitException : Exception
{
    /// <summary>Creates the exception for <paramref name="task"/>.</summary>
    /// <param name="task">The exiting task.</param>
    public TaskExitException(TaskStruct task) : base($"task {task.Pid} ({task.Comm}) has exited") => Task = task;

    /// <summary>The exiting task.</summary>
    public TaskStruct Task { get; }
}

/// <summary>Thrown where the machine is driven when the task it waits for can never run again: every task is asleep and no timer is pending.</summary>
public sealed class DeadlockException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is stuck, and who sleeps.</param>
    public DeadlockException(string message) : base(message) { }
}
