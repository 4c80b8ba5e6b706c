namespace LinuxVm.Mm.Arch;

/// <summary>
/// The flag bits of an i386 page-table entry (include/asm-i386/pgtable.h). They sit in the low
/// twelve bits of every entry at every level, in both the 2-level and the PAE layout; the frame
/// address fills the bits above.
/// </summary>
/// <remarks>
/// <code>
///   low 12 bits of an entry, most significant first:
///   [avail x3][G][PSE/PROTNONE][D][A][PCD][PWT][U/S][R/W][P]
///    0xE00    100     080      040 020 010  008  004  002  001
/// </code>
/// Bit 7 means "large page" (PSE) in a present pmd and "PROT_NONE mapping" (_PAGE_PROTNONE) in a
/// pte whose P bit is clear: the hardware ignores every other bit of a not-present entry, so Linux
/// reuses it.
/// </remarks>
public static class PageBits
{
    /// <summary>Bit number of P.</summary>
    [Linux("include/asm-i386/pgtable.h", "_PAGE_BIT_PRESENT")] public const int BitPresent = 0;
    /// <summary>Bit number of R/W.</summary>
    [Linux("include/asm-i386/pgtable.h", "_PAGE_BIT_RW")] public const int BitRw = 1;
    /// <summary>Bit number of U/S.</summary>
    [Linux("include/asm-i386/pgtable.h", "_PAGE_BIT_USER")] public const int BitUser = 2;
    /// <summary>Bit number of PWT.</summary>
    [Linux("include/asm-i386/pgtable.h", "_PAGE_BIT_PWT")] public const int BitPwt = 3;
    /// <summary>Bit number of PCD.</summary>
    [Linux("include/asm-i386/pgtable.h", "_PAGE_BIT_PCD")] public const int BitPcd = 4;
    /// <summary>Bit number of A.</summary>
    [Linux("include/asm-i386/pgtable.h", "_PAGE_BIT_ACCESSED")] public const int BitAccessed = 5;
    /// <summary>Bit number of D.</summary>
    [Linux("include/asm-i386/pgtable.h", "_PAGE_BIT_DIRTY")] public const int BitDirty = 6;
    /// <summary>Bit number of PS (large page in a pmd).</summary>
    [Linux("include/asm-i386/pgtable.h", "_PAGE_BIT_PSE")] public const int BitPse = 7;
    /// <summary>Bit number of G.</summary>
    [Linux("include/asm-i386/pgtable.h", "_PAGE_BIT_GLOBAL")] public const int BitGlobal = 8;

    /// <summary>The entry is valid; when clear the CPU ignores every other bit.</summary>
    [Linux("include/asm-i386/pgtable.h", "_PAGE_PRESENT")] public const uint Present = 0x001;
    /// <summary>Writes are allowed.</summary>
    [Linux("include/asm-i386/pgtable.h", "_PAGE_RW")] public const uint Rw = 0x002;
    /// <summary>User mode (CPL 3) may access the page.</summary>
    [Linux("include/asm-i386/pgtable.h", "_PAGE_USER")] public const uint User = 0x004;
    /// <summary>Write-through caching.</summary>
    [Linux("include/asm-i386/pgtable.h", "_PAGE_PWT")] public const uint Pwt = 0x008;
    /// <summary>Caching disabled (device memory).</summary>
    [Linux("include/asm-i386/pgtable.h", "_PAGE_PCD")] public const uint Pcd = 0x010;
    /// <summary>Set by the CPU on any access through the entry.</summary>
    [Linux("include/asm-i386/pgtable.h", "_PAGE_ACCESSED")] public const uint Accessed = 0x020;
    /// <summary>Set by the CPU on a write through the entry (ptes and large pages only).</summary>
    [Linux("include/asm-i386/pgtable.h", "_PAGE_DIRTY")] public const uint Dirty = 0x040;
    /// <summary>In a pmd: the entry maps a 4 MiB (2 MiB with PAE) page directly.</summary>
    [Linux("include/asm-i386/pgtable.h", "_PAGE_PSE")] public const uint Pse = 0x080;
    /// <summary>The TLB keeps the translation across cr3 reloads (needs CR4.PGE).</summary>
    [Linux("include/asm-i386/pgtable.h", "_PAGE_GLOBAL")] public const uint Global = 0x100;
    /// <summary>In a not-present pte: the page is mapped PROT_NONE, so it is still "present" to Linux.</summary>
    [Linux("include/asm-i386/pgtable.h", "_PAGE_PROTNONE")] public const uint ProtNone = 0x080;

    /// <summary>What a pmd pointing at a user page table holds besides the table's address.</summary>
    [Linux("include/asm-i386/pgtable.h", "_PAGE_TABLE")] public const uint Table = Present | Rw | User | Accessed | Dirty;
    /// <summary>What a pmd pointing at a kernel page table holds besides the table's address.</summary>
    [Linux("include/asm-i386/pgtable.h", "_KERNPG_TABLE")] public const uint KernpgTable = Present | Rw | Accessed | Dirty;
    /// <summary>The low-word bits that survive pte_modify: the frame address, accessed and dirty.</summary>
    [Linux("include/asm-i386/pgtable.h", "_PAGE_CHG_MASK")] public const uint ChgMask = PteMask | Accessed | Dirty;
    /// <summary>The frame-address part of an entry's low word (<c>PTE_MASK</c>, equal to PAGE_MASK).</summary>
    [Linux("include/asm-i386/page.h", "PTE_MASK")] public const uint PteMask = 0xFFFFF000;

    /// <summary>Kernel pages: present, writable, dirty, accessed.</summary>
    [Linux("include/asm-i386/pgtable.h", "__PAGE_KERNEL")] public const uint KernelBits = Present | Rw | Dirty | Accessed;
    /// <summary>Uncached kernel pages (device registers).</summary>
    [Linux("include/asm-i386/pgtable.h", "__PAGE_KERNEL_NOCACHE")] public const uint KernelNocacheBits = Present | Rw | Dirty | Pcd | Accessed;
    /// <summary>Read-only kernel pages.</summary>
    [Linux("include/asm-i386/pgtable.h", "__PAGE_KERNEL_RO")] public const uint KernelRoBits = Present | Dirty | Accessed;
}
