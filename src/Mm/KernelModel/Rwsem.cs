using LinuxVm.Mm.Include;

namespace LinuxVm.Mm.KernelModel;

/// <summary>
/// lib/rwsem.c: the slow paths of <see cref="RwSemaphore"/>. A task that could not take the
/// semaphore joins the end of the wait list and sleeps until whoever releases it passes the lock
/// on. The one who wakes the list gives it either to the first waiter alone, when that one wants
/// to write, or to the whole run of readers that begins the list; the count is settled for them
/// before any is woken, so a woken task already holds the semaphore and only has to notice.
/// </summary>
public sealed class Rwsem
{
    private readonly Kernel _kernel;

    /// <summary>Creates the rwsem slow paths of <paramref name="kernel"/>.</summary>
    /// <param name="kernel">The kernel.</param>
    public Rwsem(Kernel kernel) => _kernel = kernel;

    /// <summary>A queued sleeper, <c>struct rwsem_waiter</c>: on the sleeper's stack in the C.</summary>
    [Linux("lib/rwsem.c", "struct rwsem_waiter")]
    public sealed class RwsemWaiter
    {
        internal RwsemWaiter(uint flags)
        {
            Flags = flags;
            List = new ListHead(this);
        }

        /// <summary>The link in the semaphore's wait list.</summary>
        [Linux("lib/rwsem.c", "rwsem_waiter.list")]
        public ListHead List { get; }

        /// <summary>The sleeping task.</summary>
        [Linux("lib/rwsem.c", "rwsem_waiter.task")]
        public TaskStruct? Task { get; internal set; }

        /// <summary>What it waits for; the waker clears it when it grants the lock.</summary>
        [Linux("lib/rwsem.c", "rwsem_waiter.flags")]
        public uint Flags { get; internal set; }
    }

    /// <summary>The waiter wants to read.</summary>
    [Linux("lib/rwsem.c", "RWSEM_WAITING_FOR_READ")] public const uint RwsemWaitingForRead = 0x00000001;
    /// <summary>The waiter wants to write.</summary>
    [Linux("lib/rwsem.c", "RWSEM_WAITING_FOR_WRITE")] public const uint RwsemWaitingForWrite = 0x00000002;

    // Grants the semaphore to the front of the queue, if the active part of the count can go
    // from 0 to 1 for it: a writer alone, or the run of readers at the front. Called with
    // wait_lock held and the queue not empty.
    [Linux("lib/rwsem.c", "__rwsem_do_wake")]
    private void RwsemDoWake(RwSemaphore sem)
    {
        for (;;)   // try_again
        {
            int oldcount = sem.AtomicUpdate(RwSemaphore.RwsemActiveBias) - RwSemaphore.RwsemActiveBias;
            if ((oldcount & RwSemaphore.RwsemActiveMask) != 0)
            {
                // Someone is active after all: undo, unless that someone left meanwhile.
                if (sem.AtomicUpdate(-RwSemaphore.RwsemActiveBias) != 0)
                    return;
                continue;
            }

            var waiter = sem.WaitList.Next.Entry<RwsemWaiter>();
            if ((waiter.Flags & RwsemWaitingForWrite) != 0)
            {
                // One writer: our active increment becomes its hold; its waiting bias stays.
                waiter.List.Del();
                waiter.Flags = 0;
                _kernel.Sched.WakeUpProcess(waiter.Task!);
                return;
            }

            // Readers: count the run at the front, then turn each one's waiting bias into an
            // active hold (less the one active increment already made above).
            int woken = 0;
            for (;;)
            {
                woken++;
                if (waiter.List.Next == sem.WaitList)
                    break;
                waiter = waiter.List.Next.Entry<RwsemWaiter>();
                if ((waiter.Flags & RwsemWaitingForRead) == 0)
                    break;
            }
            int loop = woken;
            woken *= RwSemaphore.RwsemActiveBias - RwSemaphore.RwsemWaitingBias;
            woken -= RwSemaphore.RwsemActiveBias;
            sem.AtomicAdd(woken);

            ListHead next = sem.WaitList.Next;
            for (; loop > 0; loop--)
            {
                waiter = next.Entry<RwsemWaiter>();
                next = waiter.List.Next;
                waiter.Flags = 0;
                _kernel.Sched.WakeUpProcess(waiter.Task!);
            }
            // Unlink the woken run in one go.
            sem.WaitList.Next = next;
            next.Prev = sem.WaitList;
            return;
        }
    }

    // Queues current, applies its adjustment to the count, wakes the queue itself if nobody is
    // active any more, then sleeps until a waker has granted it the lock.
    [Linux("lib/rwsem.c", "rwsem_down_failed_common")]
    private void RwsemDownFailedCommon(RwSemaphore sem, RwsemWaiter waiter, int adjustment)
    {
        Sched sched = _kernel.Sched;
        TaskStruct tsk = sched.Current;
        tsk.State = Sched.TaskUninterruptible;

        sem.WaitLock.Lock();
        waiter.Task = tsk;
        sem.WaitList.AddTail(waiter.List);
        int count = sem.AtomicUpdate(adjustment);
        if ((count & RwSemaphore.RwsemActiveMask) == 0)
            RwsemDoWake(sem);
        sem.WaitLock.Unlock();

        for (;;)
        {
            if (waiter.Flags == 0)
                break;
            sched.Schedule();
            tsk.State = Sched.TaskUninterruptible;
        }
        tsk.State = Sched.TaskRunning;
    }

    /// <summary>The read slow path: queue as a reader and sleep until granted.</summary>
    /// <param name="sem">The semaphore.</param>
    [Linux("lib/rwsem.c", "rwsem_down_read_failed")]
    public void RwsemDownReadFailed(RwSemaphore sem) =>
        RwsemDownFailedCommon(sem, new RwsemWaiter(RwsemWaitingForRead), RwSemaphore.RwsemWaitingBias - RwSemaphore.RwsemActiveBias);

    /// <summary>The write slow path: queue as a writer and sleep until granted.</summary>
    /// <param name="sem">The semaphore.</param>
    [Linux("lib/rwsem.c", "rwsem_down_write_failed")]
    public void RwsemDownWriteFailed(RwSemaphore sem) =>
        RwsemDownFailedCommon(sem, new RwsemWaiter(RwsemWaitingForWrite), -RwSemaphore.RwsemActiveBias);

    /// <summary>The release slow path: hand the semaphore to the front of the queue.</summary>
    /// <param name="sem">The semaphore.</param>
    [Linux("lib/rwsem.c", "rwsem_wake")]
    public void RwsemWake(RwSemaphore sem)
    {
        sem.WaitLock.Lock();
        if (!sem.WaitList.IsEmpty)
            RwsemDoWake(sem);
        sem.WaitLock.Unlock();
    }
}
