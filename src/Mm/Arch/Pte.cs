namespace LinuxVm.Mm.Arch;

/// <summary>
/// A page-table entry, <c>pte_t</c> (include/asm-i386/page.h): the last level of the walk, naming
/// one 4 KiB frame and its protection. Without PAE it is one 32-bit word; with PAE two words
/// (<c>pte_low</c>, <c>pte_high</c>) holding a 36-bit frame address. Both fit in <see cref="Value"/>.
/// </summary>
/// <remarks>
/// The operations here are the inline functions of include/asm-i386/pgtable.h that look only at
/// the value and work the same in both layouts (the flag bits are always in the low word). Those
/// that read or write an entry in memory are on <see cref="IArchitecture"/>.
/// <code>
/// 2-level:   31                    12 11       0
///           | frame number (20 bits) |  flags   |
/// PAE:       63         36 35                  12 11       0
///           |  reserved  | frame number (24 b)  |  flags   |
/// </code>
/// </remarks>
/// <param name="Value">The whole entry (<c>pte_val</c>).</param>
[Linux("include/asm-i386/page.h", "pte_t")]
public readonly record struct Pte([property: Linux("include/asm-i386/page.h", "pte_val")] ulong Value)
{
    /// <summary>The low 32 bits, where the flags live.</summary>
    [Linux("include/asm-i386/page.h", "pte_t.pte_low")]
    public uint Low => (uint)Value;

    /// <summary>The high 32 bits (PAE only; always 0 in the 2-level layout).</summary>
    [Linux("include/asm-i386/page.h", "pte_t.pte_high")]
    public uint High => (uint)(Value >> 32);

    /// <summary>True for an entry that was never used (all zero).</summary>
    [Linux("include/asm-i386/pgtable-2level.h", "pte_none")]
    [Linux("include/asm-i386/pgtable-3level.h", "pte_none")]
    public bool None => Value == 0;

    /// <summary>True when the entry maps a page: really present, or mapped PROT_NONE.</summary>
    [Linux("include/asm-i386/pgtable.h", "pte_present")]
    public bool Present => (Low & (PageBits.Present | PageBits.ProtNone)) != 0;

    /// <summary>Readable from user mode (i386 has no separate read permission).</summary>
    [Linux("include/asm-i386/pgtable.h", "pte_read")] public bool Read => (Low & PageBits.User) != 0;
    /// <summary>Executable from user mode (the same bit as read on i386).</summary>
    [Linux("include/asm-i386/pgtable.h", "pte_exec")] public bool Exec => (Low & PageBits.User) != 0;
    /// <summary>Written since the dirty bit was last cleared.</summary>
    [Linux("include/asm-i386/pgtable.h", "pte_dirty")] public bool Dirty => (Low & PageBits.Dirty) != 0;
    /// <summary>Accessed since the accessed bit was last cleared.</summary>
    [Linux("include/asm-i386/pgtable.h", "pte_young")] public bool Young => (Low & PageBits.Accessed) != 0;
    /// <summary>Writable.</summary>
    [Linux("include/asm-i386/pgtable.h", "pte_write")] public bool Write => (Low & PageBits.Rw) != 0;

    private Pte Clear(uint bits) => new(Value & ~(ulong)bits);
    private Pte Set(uint bits) => new(Value | bits);

    /// <summary>Removes user read access.</summary>
    [Linux("include/asm-i386/pgtable.h", "pte_rdprotect")] public Pte RdProtect() => Clear(PageBits.User);
    /// <summary>Removes user execute access.</summary>
    [Linux("include/asm-i386/pgtable.h", "pte_exprotect")] public Pte ExProtect() => Clear(PageBits.User);
    /// <summary>Clears the dirty bit.</summary>
    [Linux("include/asm-i386/pgtable.h", "pte_mkclean")] public Pte MkClean() => Clear(PageBits.Dirty);
    /// <summary>Clears the accessed bit.</summary>
    [Linux("include/asm-i386/pgtable.h", "pte_mkold")] public Pte MkOld() => Clear(PageBits.Accessed);
    /// <summary>Removes write access.</summary>
    [Linux("include/asm-i386/pgtable.h", "pte_wrprotect")] public Pte WrProtect() => Clear(PageBits.Rw);
    /// <summary>Grants user read access.</summary>
    [Linux("include/asm-i386/pgtable.h", "pte_mkread")] public Pte MkRead() => Set(PageBits.User);
    /// <summary>Grants user execute access.</summary>
    [Linux("include/asm-i386/pgtable.h", "pte_mkexec")] public Pte MkExec() => Set(PageBits.User);
    /// <summary>Sets the dirty bit.</summary>
    [Linux("include/asm-i386/pgtable.h", "pte_mkdirty")] public Pte MkDirty() => Set(PageBits.Dirty);
    /// <summary>Sets the accessed bit.</summary>
    [Linux("include/asm-i386/pgtable.h", "pte_mkyoung")] public Pte MkYoung() => Set(PageBits.Accessed);
    /// <summary>Grants write access.</summary>
    [Linux("include/asm-i386/pgtable.h", "pte_mkwrite")] public Pte MkWrite() => Set(PageBits.Rw);

    /// <summary>Keeps the frame, accessed and dirty bits and replaces the protection by <paramref name="newprot"/>.</summary>
    /// <param name="newprot">The new protection.</param>
    /// <remarks>Only the low word is masked, as in the C, so a PAE frame number above 4 GiB survives.</remarks>
    [Linux("include/asm-i386/pgtable.h", "pte_modify")]
    public Pte Modify(Pgprot newprot) => new((Value & ~(ulong)~PageBits.ChgMask) | newprot.Value);

    /// <summary>The frame number the entry names (what <c>pte_page</c> indexes mem_map with).</summary>
    public uint Pfn => (uint)(Value >> 12);

    /// <summary>Builds an entry for frame <paramref name="pageNr"/> with protection <paramref name="pgprot"/>.</summary>
    /// <param name="pageNr">Page frame number.</param>
    /// <param name="pgprot">Protection bits.</param>
    [Linux("include/asm-i386/pgtable-2level.h", "__mk_pte")]
    [Linux("include/asm-i386/pgtable-3level.h", "__mk_pte")]
    public static Pte MkPteCore(uint pageNr, Pgprot pgprot) => new(((ulong)pageNr << 12) | pgprot.Value);

    /// <summary>Builds an entry mapping physical address <paramref name="physpage"/> (page aligned).</summary>
    /// <param name="physpage">Physical address of the frame.</param>
    /// <param name="pgprot">Protection bits.</param>
    [Linux("include/asm-i386/pgtable.h", "mk_pte_phys")]
    public static Pte MkPtePhys(ulong physpage, Pgprot pgprot) => MkPteCore((uint)(physpage >> 12), pgprot);

    /// <summary>True when two entries are identical.</summary>
    /// <param name="a">One entry.</param>
    /// <param name="b">The other.</param>
    [Linux("include/asm-i386/pgtable-2level.h", "pte_same")]
    [Linux("include/asm-i386/pgtable-3level.h", "pte_same")]
    public static bool Same(Pte a, Pte b) => a.Value == b.Value;

    /// <summary>The swap entry held by a pte that is not present (only the low word counts).</summary>
    [Linux("include/asm-i386/pgtable.h", "pte_to_swp_entry")]
    public SwpEntry ToSwpEntry() => new(Low);

    /// <summary>A not-present pte that holds swap entry <paramref name="entry"/> (the high word of a PAE pte is 0).</summary>
    /// <param name="entry">The swap entry.</param>
    [Linux("include/asm-i386/pgtable.h", "swp_entry_to_pte")]
    public static Pte FromSwpEntry(SwpEntry entry) => new(entry.Val);

    /// <inheritdoc/>
    public override string ToString() => $"pte 0x{Value:x}";
}
