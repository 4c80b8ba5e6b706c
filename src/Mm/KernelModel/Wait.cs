using LinuxVm.Mm.Include;
using LinuxVm.Mm.Sim;

namespace LinuxVm.Mm.KernelModel;

/// <summary>
/// A wait queue head, <c>wait_queue_head_t</c> (include/linux/wait.h): a lock and a list of the
/// tasks waiting for something. A task that must wait puts an entry (<see cref="WaitQueue"/>) on the
/// list, sets its state to a sleeping one and calls schedule(); whoever makes the awaited thing
/// happen calls a wake_up function (<see cref="Sched.WakeUp(WaitQueueHead, int, int)"/>), which makes
/// the listed tasks runnable again.
/// </summary>
/// <remarks>Entries joined with <see cref="AddExclusive"/> sit at the tail and are woken one at a
/// time; the others sit at the head and are all woken.</remarks>
[Linux("include/linux/wait.h", "wait_queue_head_t")]
public sealed class WaitQueueHead
{
    /// <summary>Creates an empty queue (<c>init_waitqueue_head</c>).</summary>
    [Linux("include/linux/wait.h", "init_waitqueue_head")]
    public WaitQueueHead() => TaskList = new ListHead(this);

    /// <summary>Guards <see cref="TaskList"/>.</summary>
    [Linux("include/linux/wait.h", "__wait_queue_head.lock")]
    public SpinLock Lock { get; } = new("q->lock");

    /// <summary>The waiters, linked through <see cref="WaitQueue.TaskList"/>.</summary>
    [Linux("include/linux/wait.h", "__wait_queue_head.task_list")]
    public ListHead TaskList { get; }

    /// <summary>True when some task is waiting here.</summary>
    [Linux("include/linux/wait.h", "waitqueue_active")]
    public bool Active => !TaskList.IsEmpty;

    /// <summary>The waiting entries, head first (the order a wake-up visits them).</summary>
    public IEnumerable<WaitQueue> Waiters => TaskList.Entries<WaitQueue>();

    /// <summary>Links <paramref name="wait"/> at the head; the caller holds <see cref="Lock"/>.</summary>
    /// <param name="wait">The entry.</param>
    [Linux("include/linux/wait.h", "__add_wait_queue")]
    public void AddLocked(WaitQueue wait) => TaskList.Add(wait.TaskList);

    /// <summary>Links <paramref name="wait"/> at the tail; the caller holds <see cref="Lock"/>.</summary>
    /// <param name="wait">The entry.</param>
    [Linux("include/linux/wait.h", "__add_wait_queue_tail")]
    public void AddTailLocked(WaitQueue wait) => TaskList.AddTail(wait.TaskList);

    /// <summary>Unlinks <paramref name="wait"/>; the caller holds <see cref="Lock"/>.</summary>
    /// <param name="wait">The entry.</param>
    [Linux("include/linux/wait.h", "__remove_wait_queue")]
    public static void RemoveLocked(WaitQueue wait) => wait.TaskList.Del();

    /// <summary>Adds a waiter that every wake-up wakes (at the head of the list).</summary>
    /// <param name="wait">The entry.</param>
    [Linux("kernel/fork.c", "add_wait_queue")]
    public void Add(WaitQueue wait)
    {
        wait.Flags &= ~WaitQueue.WqFlagExclusive;
        Lock.Lock();
        AddLocked(wait);
        Lock.Unlock();
    }

    /// <summary>Adds a waiter that a wake-up wakes only if no exclusive waiter before it was woken (at the tail).</summary>
    /// <param name="wait">The entry.</param>
    [Linux("kernel/fork.c", "add_wait_queue_exclusive")]
    public void AddExclusive(WaitQueue wait)
    {
        wait.Flags |= WaitQueue.WqFlagExclusive;
        Lock.Lock();
        AddTailLocked(wait);
        Lock.Unlock();
    }

    /// <summary>Takes <paramref name="wait"/> off the queue.</summary>
    /// <param name="wait">The entry.</param>
    [Linux("kernel/fork.c", "remove_wait_queue")]
    public void Remove(WaitQueue wait)
    {
        Lock.Lock();
        RemoveLocked(wait);
        Lock.Unlock();
    }
}

/// <summary>
/// One waiter on a <see cref="WaitQueueHead"/>, <c>wait_queue_t</c> (include/linux/wait.h): the
/// task and whether it waits exclusively. The C declares it on the sleeping task's stack
/// (DECLARE_WAITQUEUE); here it is an object the sleeping code creates.
/// </summary>
[Linux("include/linux/wait.h", "wait_queue_t")]
public sealed class WaitQueue
{
    /// <summary>Wake this waiter alone: a wake-up stops after waking enough exclusive waiters.</summary>
    [Linux("include/linux/wait.h", "WQ_FLAG_EXCLUSIVE")]
    public const uint WqFlagExclusive = 0x01;

    /// <summary>Creates an entry for <paramref name="task"/> (<c>init_waitqueue_entry</c>, <c>DECLARE_WAITQUEUE</c>).</summary>
    /// <param name="task">The task that will wait.</param>
    [Linux("include/linux/wait.h", "init_waitqueue_entry")]
    public WaitQueue(TaskStruct task)
    {
        Task = task;
        TaskList = new ListHead(this);
    }

    /// <summary><see cref="WqFlagExclusive"/> or 0.</summary>
    [Linux("include/linux/wait.h", "__wait_queue.flags")]
    public uint Flags { get; set; }

    /// <summary>The waiting task.</summary>
    [Linux("include/linux/wait.h", "__wait_queue.task")]
    public TaskStruct Task { get; }

    /// <summary>The link in the queue.</summary>
    [Linux("include/linux/wait.h", "__wait_queue.task_list")]
    public ListHead TaskList { get; }
}
