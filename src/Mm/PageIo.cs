using LinuxVm.Mm.Arch;
using LinuxVm.Mm.Include;

namespace LinuxVm.Mm;

/// <summary>
/// mm/page_io.c: reading and writing one page of a swap area through the block layer.
/// </summary>
/// <remarks>
/// Not ported yet, nor is the block device it would drive. The kernel creates this object up front
/// so that the swap port calls it where 2.4 does; before then there is no swap area, and nothing
/// can ask for swap I/O.
/// </remarks>
public sealed class PageIo
{
    /// <summary>Creates this file's state for <paramref name="kernel"/>.</summary>
    /// <param name="kernel">The kernel that owns it.</param>
    public PageIo(Kernel kernel) => ArgumentNullException.ThrowIfNull(kernel);

    /// <summary>Starts reading (<paramref name="rw"/> = READ) or writing a swap-cache page from or to its slot.</summary>
    /// <param name="rw">READ (0) or WRITE (1).</param>
    /// <param name="page">A locked page of the swap cache.</param>
    /// <exception cref="NotSupportedException">Always, until swap is ported.</exception>
    [Linux("mm/page_io.c", "rw_swap_page")]
    public void RwSwapPage(int rw, Page page) =>
        throw new NotSupportedException($"rw_swap_page({rw}): swap I/O is not ported yet (no swap area can be switched on)");

    /// <summary>Reads or writes swap slot <paramref name="entry"/> to or from the kernel buffer at <paramref name="buf"/> (swapon reads the header this way).</summary>
    /// <param name="rw">READ (0) or WRITE (1).</param>
    /// <param name="entry">The swap slot.</param>
    /// <param name="buf">Kernel virtual address of a page-sized buffer.</param>
    /// <exception cref="NotSupportedException">Always, until swap is ported.</exception>
    [Linux("mm/page_io.c", "rw_swap_page_nolock")]
    public void RwSwapPageNolock(int rw, SwpEntry entry, uint buf) =>
        throw new NotSupportedException($"rw_swap_page_nolock({rw}, {entry}, 0x{buf:x8}): swap I/O is not ported yet (no swap area can be switched on)");
}
