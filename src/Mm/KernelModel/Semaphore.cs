namespace LinuxVm.Mm.KernelModel;

/// <summary>
/// A counting semaphore, <c>struct semaphore</c> (include/asm-i386/semaphore.h). The count says
/// how many more holders may enter; a down that takes it below zero sleeps in the slow path of
/// arch/i386/kernel/semaphore.c (<see cref="Semaphores"/>) until an up wakes it. A count of 1
/// makes a mutex (shmem's info->sem, an inode's i_sem).
/// </summary>
/// <remarks>The i386 fast paths are single locked instructions; the simulation runs one CPU's
/// code at a time, so plain arithmetic is already atomic here.</remarks>
[Linux("include/asm-i386/semaphore.h", "struct semaphore")]
public sealed class Semaphore
{
    private readonly Kernel _kernel;

    /// <summary>Creates a semaphore with <paramref name="val"/> free slots (<c>sema_init</c>); 1 makes it a mutex.</summary>
    /// <param name="kernel">The kernel whose tasks use it.</param>
    /// <param name="name">Name shown in messages.</param>
    /// <param name="val">Initial count.</param>
    [Linux("include/asm-i386/semaphore.h", "sema_init")]
    public Semaphore(Kernel kernel, string name, int val = 1)
    {
        _kernel = kernel;
        Name = name;
        Count = val;
    }

    /// <summary>The semaphore's name.</summary>
    public string Name { get; }

    /// <summary>Free slots; negative while tasks wait (roughly minus the number of sleepers).</summary>
    [Linux("include/asm-i386/semaphore.h", "semaphore.count")]
    public int Count { get; internal set; }

    /// <summary>Tasks in the slow path that have not yet folded their decrement back in.</summary>
    [Linux("include/asm-i386/semaphore.h", "semaphore.sleepers")]
    public int Sleepers { get; internal set; }

    /// <summary>The tasks sleeping in down.</summary>
    [Linux("include/asm-i386/semaphore.h", "semaphore.wait")]
    public WaitQueueHead Wait { get; } = new();

    /// <summary>Takes a slot, sleeping uninterruptibly until one is free.</summary>
    [Linux("include/asm-i386/semaphore.h", "down")]
    public void Down()
    {
        if (--Count < 0)
            _kernel.Semaphores.Down(this);
    }

    /// <summary>Takes a slot, sleeping until one is free or a signal arrives; 0 on success, -EINTR if interrupted.</summary>
    [Linux("include/asm-i386/semaphore.h", "down_interruptible")]
    public int DownInterruptible() => --Count < 0 ? _kernel.Semaphores.DownInterruptible(this) : 0;

    /// <summary>Takes a slot if one is free; returns 0 if it did, 1 if it would have had to sleep.</summary>
    [Linux("include/asm-i386/semaphore.h", "down_trylock")]
    public int DownTrylock() => --Count < 0 ? _kernel.Semaphores.DownTrylock(this) : 0;

    /// <summary>Gives a slot back, waking a sleeper if there is one.</summary>
    [Linux("include/asm-i386/semaphore.h", "up")]
    public void Up()
    {
        if (++Count <= 0)
            _kernel.Semaphores.Up(this);
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
