namespace LinuxVm.Mm;

/// <summary>The port of mm/numa.c: the node descriptor and the generic node-aware allocation entry points.</summary>
public sealed partial class Numa
{
    private readonly Kernel _kernel;

    /// <summary>Creates this file's state for <paramref name="kernel"/>.</summary>
    /// <param name="kernel">The kernel that owns it.</param>
    public Numa(Kernel kernel) => _kernel = kernel;
}
