namespace LinuxVm.Mm.Arch;

/// <summary>
/// A swap entry, <c>swp_entry_t</c>: the swap area (type) and the slot in it (offset) that hold a
/// page written out to swap. 2.4 wraps the word in a one-field struct so that the compiler keeps
/// it apart from ptes and addresses; this type does the same. A pte that is not present but not
/// empty holds one, packed the i386 way:
/// <code>
///  31                               8  7  6          1  0
/// |          offset (24 bits)        | 0 | type (6 b) | 0 |
/// </code>
/// Bit 0 (_PAGE_PRESENT) and bit 7 (_PAGE_PROTNONE) stay clear, so pte_present is false for a
/// swapped-out page. With PAE only the low word of the pte carries the entry (pte_low); the
/// layout is the same for both page-table formats.
/// </summary>
/// <param name="Val">The packed word (<c>swp_entry_t.val</c>); 0 means no entry.</param>
[Linux("include/linux/shmem_fs.h", "swp_entry_t")]
public readonly record struct SwpEntry([property: Linux("include/linux/shmem_fs.h", "swp_entry_t.val")] uint Val)
{
    /// <summary>Swap areas the type field can name: 6 bits.</summary>
    public const uint TypeLimit = 1u << 6;

    /// <summary>Slots the offset field can name: 24 bits.</summary>
    public const uint OffsetLimit = 1u << 24;

    /// <summary>Which swap area the slot is in (an index into swap_info).</summary>
    [Linux("include/asm-i386/pgtable.h", "SWP_TYPE")]
    public uint Type => (Val >> 1) & 0x3f;

    /// <summary>The slot within the swap area, in pages.</summary>
    [Linux("include/asm-i386/pgtable.h", "SWP_OFFSET")]
    public uint Offset => Val >> 8;

    /// <summary>Packs swap area <paramref name="type"/> and slot <paramref name="offset"/> into an entry.</summary>
    /// <param name="type">The swap area, below <see cref="TypeLimit"/>.</param>
    /// <param name="offset">The slot, below <see cref="OffsetLimit"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A field does not fit its bits.</exception>
    /// <remarks>Port note: the macro silently lets a large value spill into the neighbouring bits;
    /// here that is an error naming the field.</remarks>
    [Linux("include/asm-i386/pgtable.h", "SWP_ENTRY")]
    public static SwpEntry Of(uint type, uint offset)
    {
        if (type >= TypeLimit)
            throw new ArgumentOutOfRangeException(nameof(type), type, $"SWP_ENTRY: a swap type is 6 bits (below {TypeLimit})");
        if (offset >= OffsetLimit)
            throw new ArgumentOutOfRangeException(nameof(offset), offset, $"SWP_ENTRY: a swap offset is 24 bits (below 0x{OffsetLimit:x})");
        return new SwpEntry((type << 1) | (offset << 8));
    }

    /// <inheritdoc/>
    public override string ToString() => $"swp_entry 0x{Val:x} (type {Type}, offset {Offset})";
}
