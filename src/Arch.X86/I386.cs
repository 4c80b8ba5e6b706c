using LinuxVm.Mm;
using LinuxVm.Mm.Arch;

namespace LinuxVm.Arch.X86;

/// <summary>The i386 answers to the architecture contract of mm/.</summary>
public sealed class I386 : IArchitecture
{
    /// <summary>Kernel virtual addresses start here: the 3 GiB / 1 GiB split.</summary>
    [Linux("include/asm-i386/page.h", "__PAGE_OFFSET")]
    public const uint PageOffsetValue = 0xC0000000;

    /// <inheritdoc/>
    public uint PageOffset => PageOffsetValue;

    /// <inheritdoc/>
    public uint MaxDmaAddress => PageOffsetValue + 0x1000000;

    /// <inheritdoc/>
    public int L1CacheBytes => 32;

    /// <inheritdoc/>
    public int NrCpusMax => 32;
}
