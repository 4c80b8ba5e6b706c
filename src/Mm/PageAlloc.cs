namespace LinuxVm.Mm;

/// <summary>The port of mm/page_alloc.c: the buddy allocator.</summary>
public sealed partial class PageAlloc
{
    private readonly Kernel _kernel;

    /// <summary>Creates this file's state for <paramref name="kernel"/>.</summary>
    /// <param name="kernel">The kernel that owns it.</param>
    public PageAlloc(Kernel kernel) => _kernel = kernel;
}
