namespace LinuxVm.Mm;

/// <summary>The port of mm/slab.c: the slab allocator and kmalloc.</summary>
public sealed partial class Slab
{
    private readonly Kernel _kernel;

    /// <summary>Creates this file's state for <paramref name="kernel"/>.</summary>
    /// <param name="kernel">The kernel that owns it.</param>
    public Slab(Kernel kernel) => _kernel = kernel;
}
