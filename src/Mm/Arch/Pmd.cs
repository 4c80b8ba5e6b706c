namespace LinuxVm.Mm.Arch;

/// <summary>
/// A page-middle-directory entry, <c>pmd_t</c> (include/asm-i386/page.h). With PAE it is a real
/// 64-bit entry of a 512-entry table; without PAE the middle level is folded into the pgd, and a
/// pmd is the very same 32-bit word as the pgd entry that holds it.
/// </summary>
/// <remarks>A present pmd points at a page of ptes (<see cref="PageBits.KernpgTable"/> or
/// <see cref="PageBits.Table"/>) or, with <see cref="PageBits.Pse"/>, maps a large page itself.</remarks>
/// <param name="Value">The entry (<c>pmd_val</c>).</param>
[Linux("include/asm-i386/page.h", "pmd_t")]
public readonly record struct Pmd([property: Linux("include/asm-i386/page.h", "pmd_val")] ulong Value)
{
    /// <summary>True when no page table is attached.</summary>
    [Linux("include/asm-i386/pgtable.h", "pmd_none")]
    public bool None => Value == 0;

    /// <summary>True when the P bit is set.</summary>
    [Linux("include/asm-i386/pgtable.h", "pmd_present")]
    public bool Present => (Value & PageBits.Present) != 0;

    /// <summary>
    /// True when the entry is not an ordinary page-table pointer: any flag other than U/S differs
    /// from <see cref="PageBits.KernpgTable"/>. A large-page (PSE) pmd of the direct map counts as
    /// bad, which is why generic code never walks into the direct map.
    /// </summary>
    [Linux("include/asm-i386/pgtable.h", "pmd_bad")]
    public bool Bad => (Value & (~PageBits.PteMask & ~PageBits.User)) != PageBits.KernpgTable;

    /// <summary>True when the entry maps a large page directly.</summary>
    public bool Large => (Value & (PageBits.Present | PageBits.Pse)) == (PageBits.Present | PageBits.Pse);

    /// <inheritdoc/>
    public override string ToString() => $"pmd 0x{Value:x}";
}
