namespace LinuxVm.Mm.Arch;

/// <summary>
/// What the generic mm/ code needs from an architecture, modelled on the asm/ headers that mm/
/// includes (page.h, pgtable.h, pgalloc.h, tlbflush.h, highmem.h, dma.h, cache.h). The i386
/// implementation lives in LinuxVm.Arch.X86; mm/ never sees x86 details beyond this contract.
/// </summary>
public interface IArchitecture
{
    /// <summary>Where the kernel's direct map of physical memory begins (<c>PAGE_OFFSET</c>, 0xC0000000 on i386).</summary>
    [Linux("include/asm-i386/page.h", "PAGE_OFFSET")]
    uint PageOffset { get; }

    /// <summary>Highest kernel virtual address usable for ISA DMA (<c>MAX_DMA_ADDRESS</c>, PAGE_OFFSET + 16 MiB).</summary>
    [Linux("include/asm-i386/dma.h", "MAX_DMA_ADDRESS")]
    uint MaxDmaAddress { get; }

    /// <summary>Bytes in an L1 cache line (<c>L1_CACHE_BYTES</c>, 32 for the Pentium III of the i386 defconfig).</summary>
    [Linux("include/asm-i386/cache.h", "L1_CACHE_BYTES")]
    int L1CacheBytes { get; }

    /// <summary>Maximum number of CPUs the kernel is built for (<c>NR_CPUS</c>).</summary>
    [Linux("include/linux/threads.h", "NR_CPUS")]
    int NrCpusMax { get; }
}
