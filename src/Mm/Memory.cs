namespace LinuxVm.Mm;

/// <summary>The port of mm/memory.c: mem_map, the page-table helpers and (later) page faults.</summary>
public sealed partial class Memory
{
    private readonly Kernel _kernel;

    /// <summary>Creates this file's state for <paramref name="kernel"/>.</summary>
    /// <param name="kernel">The kernel that owns it.</param>
    public Memory(Kernel kernel) => _kernel = kernel;
}
