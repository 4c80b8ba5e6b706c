namespace LinuxVm.Mm.Sim;

/// <summary>
/// A reader-writer semaphore, <c>struct rw_semaphore</c> (include/linux/rwsem.h), in the
/// single-threaded simulation: nobody ever sleeps on it, so it only checks the rules (no
/// writer while anyone holds it, no reader while a writer does, no release of what is not held).
/// </summary>
[Linux("include/asm-i386/rwsem.h", "struct rw_semaphore")]
public sealed class RwSemaphore
{
    /// <summary>Creates an unheld semaphore.</summary>
    /// <param name="name">Name for messages.</param>
    public RwSemaphore(string name) => Name = name;

    /// <summary>The name.</summary>
    public string Name { get; }

    /// <summary>Readers holding it.</summary>
    public int Readers { get; private set; }

    /// <summary>True while a writer holds it.</summary>
    public bool Writer { get; private set; }

    /// <summary>Takes it for reading.</summary>
    [Linux("include/linux/rwsem.h", "down_read")]
    public void DownRead()
    {
        if (Writer)
            throw new KernelPanicException($"down_read({Name}) while write-held: deadlock", "down_read");
        Readers++;
    }

    /// <summary>Releases a read hold.</summary>
    [Linux("include/linux/rwsem.h", "up_read")]
    public void UpRead()
    {
        if (Readers == 0)
            throw new KernelPanicException($"up_read({Name}) not held", "up_read");
        Readers--;
    }

    /// <summary>Takes it for writing.</summary>
    [Linux("include/linux/rwsem.h", "down_write")]
    public void DownWrite()
    {
        if (Writer || Readers != 0)
            throw new KernelPanicException($"down_write({Name}) while held: deadlock", "down_write");
        Writer = true;
    }

    /// <summary>Releases the write hold.</summary>
    [Linux("include/linux/rwsem.h", "up_write")]
    public void UpWrite()
    {
        if (!Writer)
            throw new KernelPanicException($"up_write({Name}) not held", "up_write");
        Writer = false;
    }
}
