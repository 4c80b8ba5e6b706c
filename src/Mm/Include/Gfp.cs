namespace LinuxVm.Mm.Include;

/// <summary>
/// The allocation flags of include/linux/mm.h: two zone modifiers, then action modifiers, then
/// the usual combinations callers pass.
/// </summary>
public static class Gfp
{
    /// <summary>Allocate from ZONE_DMA.</summary>
    [Linux("include/linux/mm.h", "__GFP_DMA")] public const uint Dma = 0x01;
    /// <summary>ZONE_HIGHMEM is acceptable.</summary>
    [Linux("include/linux/mm.h", "__GFP_HIGHMEM")] public const uint HighMem = 0x02;
    /// <summary>The caller may sleep while memory is reclaimed.</summary>
    [Linux("include/linux/mm.h", "__GFP_WAIT")] public const uint Wait = 0x10;
    /// <summary>The caller may dig into the emergency reserve.</summary>
    [Linux("include/linux/mm.h", "__GFP_HIGH")] public const uint High = 0x20;
    /// <summary>Reclaim may start low-memory I/O.</summary>
    [Linux("include/linux/mm.h", "__GFP_IO")] public const uint Io = 0x40;
    /// <summary>Reclaim may start high-memory I/O.</summary>
    [Linux("include/linux/mm.h", "__GFP_HIGHIO")] public const uint HighIo = 0x80;
    /// <summary>Reclaim may call into filesystems.</summary>
    [Linux("include/linux/mm.h", "__GFP_FS")] public const uint Fs = 0x100;

    /// <summary>No high-memory I/O during reclaim.</summary>
    [Linux("include/linux/mm.h", "GFP_NOHIGHIO")] public const uint NoHighIo = High | Wait | Io;
    /// <summary>No I/O at all during reclaim.</summary>
    [Linux("include/linux/mm.h", "GFP_NOIO")] public const uint NoIo = High | Wait;
    /// <summary>No filesystem calls during reclaim.</summary>
    [Linux("include/linux/mm.h", "GFP_NOFS")] public const uint NoFs = High | Wait | Io | HighIo;
    /// <summary>Must not sleep (interrupt context).</summary>
    [Linux("include/linux/mm.h", "GFP_ATOMIC")] public const uint Atomic = High;
    /// <summary>For user pages that must be in low memory.</summary>
    [Linux("include/linux/mm.h", "GFP_USER")] public const uint User = Wait | Io | HighIo | Fs;
    /// <summary>For user pages that may be in high memory.</summary>
    [Linux("include/linux/mm.h", "GFP_HIGHUSER")] public const uint HighUser = Wait | Io | HighIo | Fs | HighMem;
    /// <summary>The normal kernel allocation.</summary>
    [Linux("include/linux/mm.h", "GFP_KERNEL")] public const uint Kernel = High | Wait | Io | HighIo | Fs;
    /// <summary>Used by NFS; same bits as GFP_KERNEL.</summary>
    [Linux("include/linux/mm.h", "GFP_NFS")] public const uint Nfs = High | Wait | Io | HighIo | Fs;
    /// <summary>What kswapd allocates with.</summary>
    [Linux("include/linux/mm.h", "GFP_KSWAPD")] public const uint Kswapd = Wait | Io | HighIo | Fs;
    /// <summary>ISA DMA memory.</summary>
    [Linux("include/linux/mm.h", "GFP_DMA")] public const uint GfpDma = Dma;
}
