using LinuxVm.Mm.Include;
using static LinuxVm.Mm.Include.PageFlags;

namespace LinuxVm.Mm;

// mm/filemap.c, the reading part (from mark_page_accessed to sys_readahead), which follows the
// read-ahead code: so far only mark_page_accessed, the two-step ageing of a page on each use.
// Reading a file (do_generic_file_read, generic_file_read, O_DIRECT, sendfile and readahead(2))
// comes with the page-cache work.
public sealed partial class Filemap
{
    /// <summary>
    /// Ages a page up on an access: the first access sets PG_referenced; a second one, while the
    /// page is still inactive, moves it to the active list and starts the count again.
    /// </summary>
    /// <param name="page">The page.</param>
    [Linux("mm/filemap.c", "mark_page_accessed")]
    public void MarkPageAccessed(Page page)
    {
        if (!PageActive(page) && Test(page, Referenced))
        {
            _kernel.Swap.ActivatePage(page);
            Clear(page, Referenced);
        }
        else
            Set(page, Referenced);
    }
}
