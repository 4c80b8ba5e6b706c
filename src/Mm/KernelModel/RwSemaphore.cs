using LinuxVm.Mm.Include;
using LinuxVm.Mm.Sim;

namespace LinuxVm.Mm.KernelModel;

/// <summary>
/// A reader-writer semaphore, <c>struct rw_semaphore</c>, in the i386 version of
/// include/asm-i386/rwsem.h (the kernel is built with CONFIG_RWSEM_XCHGADD_ALGORITHM, as every
/// i386 configuration above the 386 is). Any number of readers or one writer hold it; mmap_sem is
/// the one mm/ lives by.
/// </summary>
/// <remarks>
/// The whole state is one signed 32-bit count, changed by a single atomic add in each fast path:
/// <code>
///   low 16 bits   active part: lockers holding it (or trying to) right now
///   high 16 bits  waiting part: minus one for each writer holding it and each queued sleeper
///
///   0x00000000  free               0x00000003  three readers
///   0xffff0001  one writer         0xfffe0001  a writer holds it, one reader is queued
/// </code>
/// A down whose add leaves the wrong sign goes to the slow path of lib/rwsem.c
/// (<see cref="Rwsem"/>), which queues the task and sleeps; an up that leaves waiters behind with
/// no active holder wakes them there.
/// </remarks>
[Linux("include/asm-i386/rwsem.h", "struct rw_semaphore")]
public sealed class RwSemaphore
{
    /// <summary>The count of a free semaphore.</summary>
    [Linux("include/asm-i386/rwsem.h", "RWSEM_UNLOCKED_VALUE")] public const int RwsemUnlockedValue = 0x00000000;
    /// <summary>One active locker.</summary>
    [Linux("include/asm-i386/rwsem.h", "RWSEM_ACTIVE_BIAS")] public const int RwsemActiveBias = 0x00000001;
    /// <summary>The active part of the count.</summary>
    [Linux("include/asm-i386/rwsem.h", "RWSEM_ACTIVE_MASK")] public const int RwsemActiveMask = 0x0000ffff;
    /// <summary>One writer or sleeper in the waiting part.</summary>
    [Linux("include/asm-i386/rwsem.h", "RWSEM_WAITING_BIAS")] public const int RwsemWaitingBias = -0x00010000;
    /// <summary>What a reader adds.</summary>
    [Linux("include/asm-i386/rwsem.h", "RWSEM_ACTIVE_READ_BIAS")] public const int RwsemActiveReadBias = RwsemActiveBias;
    /// <summary>What a writer adds: active and waiting at once.</summary>
    [Linux("include/asm-i386/rwsem.h", "RWSEM_ACTIVE_WRITE_BIAS")] public const int RwsemActiveWriteBias = RwsemWaitingBias + RwsemActiveBias;

    private readonly Kernel _kernel;

    /// <summary>Creates a free semaphore (<c>init_rwsem</c>).</summary>
    /// <param name="kernel">The kernel whose tasks use it.</param>
    /// <param name="name">Name for messages.</param>
    [Linux("include/asm-i386/rwsem.h", "init_rwsem")]
    public RwSemaphore(Kernel kernel, string name)
    {
        _kernel = kernel;
        Name = name;
        WaitList = new ListHead(this);
    }

    /// <summary>The name.</summary>
    public string Name { get; }

    /// <summary>The count (see the remarks).</summary>
    [Linux("include/asm-i386/rwsem.h", "rw_semaphore.count")]
    public int Count { get; internal set; }

    /// <summary>Guards <see cref="WaitList"/>.</summary>
    [Linux("include/asm-i386/rwsem.h", "rw_semaphore.wait_lock")]
    public SpinLock WaitLock { get; } = new("sem->wait_lock");

    /// <summary>The sleepers, in arrival order (<see cref="Rwsem.RwsemWaiter"/>).</summary>
    [Linux("include/asm-i386/rwsem.h", "rw_semaphore.wait_list")]
    public ListHead WaitList { get; }

    /// <summary>Readers holding it (0 while a writer does).</summary>
    public int Readers => Writer ? 0 : Count & RwsemActiveMask;

    /// <summary>
    /// True while a writer holds it. The count cannot tell one writer from one reader with others
    /// queued behind it, so the write paths note it here; only the checks read it, not the algorithm.
    /// </summary>
    public bool Writer { get; private set; }

    // The atomic add of i386's "lock; xadd": adds and returns the new value.
    [Linux("include/asm-i386/rwsem.h", "rwsem_atomic_update")]
    internal int AtomicUpdate(int delta) => Count = unchecked(Count + delta);

    [Linux("include/asm-i386/rwsem.h", "rwsem_atomic_add")]
    internal void AtomicAdd(int delta) => Count = unchecked(Count + delta);

    /// <summary>Takes it for reading, sleeping while a writer holds it or waits.</summary>
    [Linux("include/asm-i386/rwsem.h", "__down_read")]
    public void DownRead()
    {
        if (AtomicUpdate(RwsemActiveReadBias) < 0)
            _kernel.Rwsem.RwsemDownReadFailed(this);
    }

    /// <summary>Takes it for reading if that needs no sleep; 1 if it did, 0 if not.</summary>
    [Linux("include/asm-i386/rwsem.h", "__down_read_trylock")]
    public int DownReadTrylock()
    {
        // The i386 version retries a compare-and-exchange until no other CPU got in between; one
        // CPU runs at a time here, so the first attempt always stands.
        int result = Count;
        if (result + RwsemActiveReadBias > 0)
            Count = result + RwsemActiveReadBias;
        return result >= 0 ? 1 : 0;
    }

    /// <summary>Takes it for writing, sleeping while anyone holds it.</summary>
    [Linux("include/asm-i386/rwsem.h", "__down_write")]
    public void DownWrite()
    {
        int old = Count;
        AtomicAdd(RwsemActiveWriteBias);
        if (old != 0)
            _kernel.Rwsem.RwsemDownWriteFailed(this);
        Writer = true;
    }

    /// <summary>Takes it for writing if it is free; 1 if it did, 0 if not.</summary>
    [Linux("include/asm-i386/rwsem.h", "__down_write_trylock")]
    public int DownWriteTrylock()
    {
        if (Count != RwsemUnlockedValue)
            return 0;
        Count = RwsemActiveWriteBias;
        Writer = true;
        return 1;
    }

    /// <summary>Releases a read hold, waking the queue if it was the last active holder and others wait.</summary>
    [Linux("include/asm-i386/rwsem.h", "__up_read")]
    public void UpRead()
    {
        if ((Count & RwsemActiveMask) == 0 || Writer)
            throw new KernelPanicException($"up_read({Name}) not held for reading", "up_read");
        int old = Count;
        int now = AtomicUpdate(-RwsemActiveReadBias);
        // Waiters are queued (the count went negative) and ours was the last active hold.
        if (now < 0 && (short)(old - 1) == 0)
            _kernel.Rwsem.RwsemWake(this);
    }

    /// <summary>Releases the write hold, waking the queue if anyone waits.</summary>
    [Linux("include/asm-i386/rwsem.h", "__up_write")]
    public void UpWrite()
    {
        if (!Writer)
            throw new KernelPanicException($"up_write({Name}) not held for writing", "up_write");
        Writer = false;
        int old = Count;
        int now = AtomicUpdate(-RwsemActiveWriteBias);
        if (now != 0 && (short)(old - 1) == 0)
            _kernel.Rwsem.RwsemWake(this);
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
