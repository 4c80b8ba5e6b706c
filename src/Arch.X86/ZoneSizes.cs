namespace LinuxVm.Arch.X86;

/// <summary>
/// A zone layout chosen by hand, in pages (see <see cref="MachineConfig.Zones"/>): ZONE_DMA and
/// ZONE_NORMAL make up low memory, the directly mapped part, and ZONE_HIGHMEM is the rest of RAM.
/// </summary>
/// <param name="Dma">Pages of ZONE_DMA, from frame 0.</param>
/// <param name="Normal">Pages of ZONE_NORMAL, right after ZONE_DMA.</param>
/// <param name="HighMem">Pages of ZONE_HIGHMEM, right after ZONE_NORMAL, up to the end of RAM.</param>
public sealed record ZoneSizes(uint Dma, uint Normal, uint HighMem)
{
    /// <summary>Frames of low memory: where the direct map, and bootmem, end (max_low_pfn).</summary>
    public uint LowPages => Dma + Normal;
}
