namespace Fixture;

/// <summary>A page frame descriptor.</summary>
[Linux("include/linux/mm.h", "struct page")]
public sealed class Page
{
    /// <summary>Reference count.</summary>
    [Linux("include/linux/mm.h", "page.count")]
    public int Count;

    /// <summary>Largest order the buddy allocator hands out, plus one.</summary>
    [Linux("include/linux/mmzone.h", "MAX_ORDER")]
    public const int MaxOrder = 10;
}
