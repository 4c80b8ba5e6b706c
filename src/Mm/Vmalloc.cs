namespace LinuxVm.Mm;

/// <summary>The port of mm/vmalloc.c: virtually contiguous kernel memory.</summary>
public sealed partial class Vmalloc
{
    private readonly Kernel _kernel;

    /// <summary>Creates this file's state for <paramref name="kernel"/>.</summary>
    /// <param name="kernel">The kernel that owns it.</param>
    public Vmalloc(Kernel kernel) => _kernel = kernel;
}
