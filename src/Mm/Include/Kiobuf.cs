namespace LinuxVm.Mm.Include;

/// <summary>
/// A kernel I/O buffer over user pages, <c>struct kiobuf</c> (include/linux/iobuf.h): raw I/O
/// pins the pages of a user buffer with map_user_kiobuf and transfers straight into them.
/// </summary>
/// <remarks>Port note: only the fields mm/memory.c uses; the buffer heads, block list and
/// completion state belong to the block layer, which the simulation does not have.</remarks>
[Linux("include/linux/iobuf.h", "struct kiobuf")]
public sealed class Kiobuf
{
    /// <summary>Pages actually referenced.</summary>
    [Linux("include/linux/iobuf.h", "kiobuf.nr_pages")]
    public int NrPages { get; set; }

    /// <summary>Room in <see cref="Maplist"/>.</summary>
    [Linux("include/linux/iobuf.h", "kiobuf.array_len")]
    public int ArrayLen => Maplist.Length;

    /// <summary>Offset of the data in the first page.</summary>
    [Linux("include/linux/iobuf.h", "kiobuf.offset")]
    public int Offset { get; set; }

    /// <summary>Bytes of data.</summary>
    [Linux("include/linux/iobuf.h", "kiobuf.length")]
    public int Length { get; set; }

    /// <summary>Set while the pages are locked for I/O.</summary>
    [Linux("include/linux/iobuf.h", "kiobuf.locked")]
    public bool Locked { get; set; }

    /// <summary>The pinned pages, in order.</summary>
    [Linux("include/linux/iobuf.h", "kiobuf.maplist")]
    public Page?[] Maplist { get; private set; } = [];

    /// <summary>Makes room for <paramref name="wanted"/> pages (fs/iobuf.c); returns 0.</summary>
    /// <param name="wanted">Pages needed.</param>
    /// <remarks>The kernel kmallocs a new list and may fail with -ENOMEM; a managed array cannot fail.</remarks>
    [Linux("fs/iobuf.c", "expand_kiobuf")]
    public int ExpandKiobuf(int wanted)
    {
        if (ArrayLen >= wanted)
            return 0;
        var maplist = new Page?[wanted];
        Maplist.CopyTo(maplist, 0);
        Maplist = maplist;
        return 0;
    }
}
