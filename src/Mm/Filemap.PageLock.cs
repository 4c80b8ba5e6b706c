using LinuxVm.Mm.Include;
using LinuxVm.Mm.KernelModel;
using static LinuxVm.Mm.Include.PageFlags;

namespace LinuxVm.Mm;

// mm/filemap.c, the page wait queues and the page lock (from GOLDEN_RATIO_PRIME to lock_page):
// each page hashes to a wait queue of its zone; a task sleeps there until the page is unlocked
// (___wait_on_page) or until it holds the lock itself (__lock_page), and unlock_page wakes the
// queue.
public sealed partial class Filemap
{
    // Multiplier of the page-wait hash on 32-bit machines: a prime close to the golden ratio
    // times 2^32, so that neighbouring page descriptors spread over the table.
    [Linux("mm/filemap.c", "GOLDEN_RATIO_PRIME")]
    private const uint GoldenRatioPrime = 0x9e370001;

    /// <summary>
    /// The wait queue for <paramref name="page"/>'s lock: one of its zone's hashed wait table,
    /// chosen by the address of the page descriptor. Pages that collide share a queue, and a
    /// woken waiter checks that its own page is the one unlocked.
    /// </summary>
    /// <param name="page">The page.</param>
    [Linux("mm/filemap.c", "page_waitqueue")]
    public WaitQueueHead PageWaitqueue(Page page)
    {
        Zone zone = _kernel.PageAlloc.PageZone(page);
        uint hash = _kernel.PageAlloc.MemMapVirtual + (uint)page.MapNr * (uint)Page.SizeOf;
        hash = unchecked(hash * GoldenRatioPrime);
        hash >>= zone.WaitTableShift;
        return zone.WaitTable[hash];
    }

    /// <summary>Sleeps until <paramref name="page"/> is unlocked; the caller holds a reference so it cannot be freed meanwhile.</summary>
    /// <param name="page">A locked page.</param>
    [Linux("mm/filemap.c", "___wait_on_page")]
    public void WaitOnPageCore(Page page)
    {
        WaitQueueHead waitqueue = PageWaitqueue(page);
        TaskStruct tsk = _kernel.Sched.Current;
        var wait = new WaitQueue(tsk);
        waitqueue.Add(wait);
        do
        {
            tsk.State = Sched.TaskUninterruptible;
            if (!PageLocked(page))
                break;
            SyncPage(page);
            _kernel.Sched.Schedule();
        } while (PageLocked(page));
        tsk.State = Sched.TaskRunning;
        waitqueue.Remove(wait);
    }

    /// <summary>Waits for <paramref name="page"/> to be unlocked, if it is locked.</summary>
    /// <param name="page">The page.</param>
    [Linux("include/linux/pagemap.h", "wait_on_page")]
    public void WaitOnPage(Page page)
    {
        if (PageLocked(page))
            WaitOnPageCore(page);
    }

    /// <summary>Unlocks a locked page and wakes every task waiting on its wait queue.</summary>
    /// <param name="page">The page, which must be locked.</param>
    [Linux("mm/filemap.c", "unlock_page")]
    public void UnlockPage(Page page)
    {
        WaitQueueHead waitqueue = PageWaitqueue(page);
        Clear(page, Launder);
        if (!TestAndClear(page, Locked))
            throw new KernelPanicException("!test_and_clear_bit(PG_locked)", "unlock_page");
        // Wake them all: waiters for other pages that hash here check and sleep again.
        if (waitqueue.Active)
            _kernel.Sched.WakeUpAll(waitqueue);
    }

    // Sleeps until the page lock is ours; the waiter queues exclusively so an unlock wakes one
    // locker ahead of the crowd of mere waiters.
    [Linux("mm/filemap.c", "__lock_page")]
    private void LockPageCore(Page page)
    {
        WaitQueueHead waitqueue = PageWaitqueue(page);
        TaskStruct tsk = _kernel.Sched.Current;
        var wait = new WaitQueue(tsk);
        waitqueue.AddExclusive(wait);
        for (;;)
        {
            tsk.State = Sched.TaskUninterruptible;
            if (PageLocked(page))
            {
                SyncPage(page);
                _kernel.Sched.Schedule();
            }
            if (!Memory.TryLockPage(page))
                break;
        }
        tsk.State = Sched.TaskRunning;
        waitqueue.Remove(wait);
    }

    /// <summary>Locks <paramref name="page"/>, sleeping while another task holds the lock.</summary>
    /// <param name="page">The page.</param>
    [Linux("mm/filemap.c", "lock_page")]
    public void LockPage(Page page)
    {
        if (Memory.TryLockPage(page))
            LockPageCore(page);
    }
}
