namespace LinuxVm.Mm;

/// <summary>The port of mm/bootmem.c: the boot-time memory allocator.</summary>
public sealed partial class Bootmem
{
    private readonly Kernel _kernel;

    /// <summary>Creates this file's state for <paramref name="kernel"/>.</summary>
    /// <param name="kernel">The kernel that owns it.</param>
    public Bootmem(Kernel kernel) => _kernel = kernel;
}
