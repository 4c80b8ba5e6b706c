namespace LinuxVm.Mm.KernelModel;

/// <summary>
/// A spinlock of the deterministic, single-threaded simulation. Nothing ever spins: the lock
/// exists so that the kernel's locking rules stay visible in the port and are checked. Taking a
/// lock that is already held (a self-deadlock on real hardware) or releasing one that is not held
/// is a kernel bug and throws <see cref="KernelPanicException"/>.
/// </summary>
[Linux("include/linux/spinlock.h", "spinlock_t")]
public sealed class SpinLock
{
    /// <summary>Creates an unlocked lock named for messages, e.g. <c>zone-&gt;lock</c>.</summary>
    /// <param name="name">Name shown when the rules are broken.</param>
    public SpinLock(string name) => Name = name;

    /// <summary>The lock's name.</summary>
    public string Name { get; }

    /// <summary>True while the lock is held.</summary>
    public bool IsLocked { get; private set; }

    /// <summary>Takes the lock.</summary>
    [Linux("include/linux/spinlock.h", "spin_lock")]
    public void Lock()
    {
        if (IsLocked)
            throw new KernelPanicException($"spin_lock({Name}) while already held: deadlock", "spin_lock");
        IsLocked = true;
    }

    /// <summary>Releases the lock.</summary>
    [Linux("include/linux/spinlock.h", "spin_unlock")]
    public void Unlock()
    {
        if (!IsLocked)
            throw new KernelPanicException($"spin_unlock({Name}) of a lock that is not held", "spin_unlock");
        IsLocked = false;
    }

    /// <summary>Takes the lock if it is free; returns whether it did.</summary>
    [Linux("include/linux/spinlock.h", "spin_trylock")]
    public bool TryLock()
    {
        if (IsLocked)
            return false;
        IsLocked = true;
        return true;
    }
}
