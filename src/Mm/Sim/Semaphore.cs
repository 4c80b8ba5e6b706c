namespace LinuxVm.Mm.Sim;

/// <summary>
/// A counting semaphore of the deterministic, single-threaded simulation (include/asm-i386/semaphore.h).
/// Nobody sleeps: a down on a semaphore whose count is zero would wait for an up that no other
/// task can make, so it is reported as a deadlock.
/// </summary>
[Linux("include/asm-i386/semaphore.h", "struct semaphore")]
public sealed class Semaphore
{
    /// <summary>Creates a semaphore with <paramref name="val"/> free slots (<c>sema_init</c>); 1 makes it a mutex.</summary>
    /// <param name="name">Name shown when the rules are broken.</param>
    /// <param name="val">Initial count.</param>
    [Linux("include/asm-i386/semaphore.h", "sema_init")]
    public Semaphore(string name, int val = 1)
    {
        Name = name;
        Count = val;
    }

    /// <summary>The semaphore's name.</summary>
    public string Name { get; }

    /// <summary>Free slots left.</summary>
    public int Count { get; private set; }

    /// <summary>Takes a slot.</summary>
    [Linux("include/asm-i386/semaphore.h", "down")]
    public void Down()
    {
        if (Count <= 0)
            throw new KernelPanicException($"down({Name}) would sleep forever: nothing else can run to up it", "down");
        Count--;
    }

    /// <summary>Gives a slot back.</summary>
    [Linux("include/asm-i386/semaphore.h", "up")]
    public void Up() => Count++;
}
