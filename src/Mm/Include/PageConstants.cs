namespace LinuxVm.Mm.Include;

/// <summary>Page geometry of include/asm-i386/page.h: 4 KiB pages.</summary>
public static class PageConstants
{
    /// <summary>log2 of the page size.</summary>
    [Linux("include/asm-i386/page.h", "PAGE_SHIFT")] public const int PageShift = 12;
    /// <summary>Bytes in a page.</summary>
    [Linux("include/asm-i386/page.h", "PAGE_SIZE")] public const uint PageSize = 1u << PageShift;
    /// <summary>Clears the offset-in-page bits of an address.</summary>
    [Linux("include/asm-i386/page.h", "PAGE_MASK")] public const uint PageMask = ~(PageSize - 1);

    /// <summary>Rounds <paramref name="addr"/> up to the next page boundary.</summary>
    /// <param name="addr">An address or size in bytes.</param>
    [Linux("include/asm-i386/page.h", "PAGE_ALIGN")]
    public static uint PageAlign(uint addr) => (addr + PageSize - 1) & PageMask;
}
