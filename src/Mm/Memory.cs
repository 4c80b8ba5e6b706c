using LinuxVm.Mm.Include;

namespace LinuxVm.Mm;

/// <summary>The port of mm/memory.c: the map of page descriptors, the page-table helpers and the page-fault handlers.</summary>
public sealed partial class Memory
{
    private readonly Kernel _kernel;

    /// <summary>Creates this file's state for <paramref name="kernel"/>.</summary>
    /// <param name="kernel">The kernel that owns it.</param>
    public Memory(Kernel kernel) => _kernel = kernel;

    /// <summary>One descriptor per page frame, indexed by frame number; built by free_area_init_core.</summary>
    [Linux("mm/memory.c", "mem_map")]
    public Page[] MemMap { get; set; } = [];

    /// <summary>Number of entries of mem_map that are valid (set by mem_init).</summary>
    [Linux("mm/memory.c", "max_mapnr")]
    public uint MaxMapnr { get; set; }

    /// <summary>Pages of RAM the machine has, holes excluded (set by mem_init).</summary>
    [Linux("mm/memory.c", "num_physpages")]
    public uint NumPhyspages { get; set; }

    /// <summary>Kernel virtual address just past the direct-mapped low memory (set by mem_init).</summary>
    [Linux("mm/memory.c", "high_memory")]
    public uint HighMemory { get; set; }
}
