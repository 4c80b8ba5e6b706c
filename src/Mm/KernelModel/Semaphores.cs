using LinuxVm.Mm.Sim;

namespace LinuxVm.Mm.KernelModel;

/// <summary>
/// arch/i386/kernel/semaphore.c: the slow paths of <see cref="Semaphore"/>, entered when a down
/// finds the count below zero or an up finds sleepers. A sleeper joins the wait queue exclusively,
/// so an up wakes one task. The trick of the i386 version is <c>sleepers</c>: each task that
/// entered the slow path decremented the count once; under the lock the current sleeper adds
/// back all the other sleepers' decrements but its own, and if the count is then not negative,
/// the slot is its own and the others' decrements will be re-applied by them when they wake.
/// </summary>
public sealed class Semaphores
{
    private readonly Kernel _kernel;

    /// <summary>Creates the semaphore code of <paramref name="kernel"/>.</summary>
    /// <param name="kernel">The kernel.</param>
    public Semaphores(Kernel kernel) => _kernel = kernel;

    /// <summary>Serialises the slow paths of every semaphore (one lock for all).</summary>
    [Linux("arch/i386/kernel/semaphore.c", "semaphore_lock")]
    public SpinLock SemaphoreLock { get; } = new("semaphore_lock");

    /// <summary>The up slow path: wakes one sleeper.</summary>
    /// <param name="sem">The semaphore.</param>
    [Linux("arch/i386/kernel/semaphore.c", "__up")]
    public void Up(Semaphore sem) => _kernel.Sched.WakeUp(sem.Wait);

    /// <summary>The down slow path: sleeps uninterruptibly until the slot is ours.</summary>
    /// <param name="sem">The semaphore.</param>
    [Linux("arch/i386/kernel/semaphore.c", "__down")]
    public void Down(Semaphore sem)
    {
        Sched sched = _kernel.Sched;
        TaskStruct tsk = sched.Current;
        var wait = new WaitQueue(tsk);
        tsk.State = Sched.TaskUninterruptible;
        sem.Wait.AddExclusive(wait);

        SemaphoreLock.Lock();
        sem.Sleepers++;
        for (;;)
        {
            int sleepers = sem.Sleepers;
            // Fold the other sleepers' decrements back in, keeping ours: if the count is still
            // not negative the slot is ours.
            sem.Count += sleepers - 1;
            if (sem.Count >= 0)
            {
                sem.Sleepers = 0;
                break;
            }
            sem.Sleepers = 1;   // our own decrement stays applied
            SemaphoreLock.Unlock();

            sched.Schedule();
            tsk.State = Sched.TaskUninterruptible;
            SemaphoreLock.Lock();
        }
        SemaphoreLock.Unlock();
        sem.Wait.Remove(wait);
        tsk.State = Sched.TaskRunning;
        // Another sleeper may be able to go too (several ups while we were waking).
        sched.WakeUp(sem.Wait);
    }

    /// <summary>The interruptible down slow path: as <see cref="Down"/>, but a pending signal gives up with -EINTR.</summary>
    /// <param name="sem">The semaphore.</param>
    [Linux("arch/i386/kernel/semaphore.c", "__down_interruptible")]
    public int DownInterruptible(Semaphore sem)
    {
        int retval = 0;
        Sched sched = _kernel.Sched;
        TaskStruct tsk = sched.Current;
        var wait = new WaitQueue(tsk);
        tsk.State = Sched.TaskInterruptible;
        sem.Wait.AddExclusive(wait);

        SemaphoreLock.Lock();
        sem.Sleepers++;
        for (;;)
        {
            int sleepers = sem.Sleepers;
            if (Signal.SignalPending(tsk))
            {
                // Give our decrement back with everyone else's and leave without the slot.
                retval = -Errno.Eintr;
                sem.Sleepers = 0;
                sem.Count += sleepers;
                break;
            }
            sem.Count += sleepers - 1;
            if (sem.Count >= 0)
            {
                sem.Sleepers = 0;
                break;
            }
            sem.Sleepers = 1;
            SemaphoreLock.Unlock();

            sched.Schedule();
            tsk.State = Sched.TaskInterruptible;
            SemaphoreLock.Lock();
        }
        SemaphoreLock.Unlock();
        tsk.State = Sched.TaskRunning;
        sem.Wait.Remove(wait);
        sched.WakeUp(sem.Wait);
        return retval;
    }

    /// <summary>The trylock slow path: undoes the decrement (with the sleepers') and reports failure.</summary>
    /// <param name="sem">The semaphore.</param>
    [Linux("arch/i386/kernel/semaphore.c", "__down_trylock")]
    public int DownTrylock(Semaphore sem)
    {
        SemaphoreLock.Lock();
        int sleepers = sem.Sleepers + 1;
        sem.Sleepers = 0;
        sem.Count += sleepers;
        if (sem.Count >= 0)
            _kernel.Sched.WakeUp(sem.Wait);
        SemaphoreLock.Unlock();
        return 1;
    }
}
