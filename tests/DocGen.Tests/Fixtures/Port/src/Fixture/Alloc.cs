namespace Fixture;

/// <summary>The fixture's allocator: a few functions with the shapes DocGen must handle.</summary>
public sealed class Alloc(IArch arch)
{
    private readonly IArch _arch = arch;

    /// <summary>Allocates 2^order pages.</summary>
    [Linux("mm/page_alloc.c", "__alloc_pages")]
    public Page? AllocPagesCore(int order)
    {
        Page? page = Rmqueue(order);
        if (page is null)
            Balance();
        return page;
    }

    /// <summary>Allocates one page.</summary>
    [Linux("mm/page_alloc.c", "alloc_page")]
    public Page? AllocPage() => AllocPagesCore(0);

    /// <summary>Takes a block off a free list.</summary>
    [Linux("mm/page_alloc.c", "rmqueue")]
    private Page? Rmqueue(int order)
    {
        int current = order;
        // #region split
        while (current > order)
        {
            current--;
            Expand(current);
        }
        // #endregion
        return current < Page.MaxOrder ? new Page() : null;
    }

    /// <summary>Splits a block.</summary>
    [Linux("mm/page_alloc.c", "expand")]
    private static void Expand(int order) => _ = order;

    // Our own helper: DocGen looks through it to the kernel function it calls.
    private void Balance() => _arch.FlushTlbAll();

    /// <summary>An overload pair without kernel names, to make a C# name ambiguous.</summary>
    public static int Twice(int x) => 2 * x;

    /// <summary>The other overload.</summary>
    public static long Twice(long x) => 2 * x;
}
