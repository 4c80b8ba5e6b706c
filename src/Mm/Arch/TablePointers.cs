namespace LinuxVm.Mm.Arch;

// C code walks page tables with typed pointers (pgd_t *, pmd_t *, pte_t *): "pte++" moves to the
// next entry, whose size depends on the layout (4 bytes, or 8 with PAE). These three structs are
// those pointers: the kernel virtual address of an entry (page tables live in the direct map) plus
// the entry size, so that arithmetic works as in C. Reading and writing through them goes through
// IArchitecture (ReadPte, SetPte, ...), because entries live in simulated physical memory.

/// <summary>A pointer to a pgd entry (<c>pgd_t *</c>): its kernel virtual address and the entry size.</summary>
/// <param name="Address">Kernel virtual address of the entry; 0 is NULL.</param>
/// <param name="Width">Bytes per entry: 4 (2-level) or 8 (PAE).</param>
public readonly record struct PgdPtr(uint Address, uint Width)
{
    /// <summary>True for NULL.</summary>
    public bool IsNull => Address == 0;
    /// <summary>Pointer arithmetic: <paramref name="n"/> entries further.</summary>
    /// <param name="p">The pointer.</param>
    /// <param name="n">Number of entries.</param>
    public static PgdPtr operator +(PgdPtr p, int n) => p with { Address = (uint)(p.Address + n * p.Width) };
    /// <summary>The next entry.</summary>
    /// <param name="p">The pointer.</param>
    public static PgdPtr operator ++(PgdPtr p) => p + 1;
    /// <summary>Entries between two pointers into the same table.</summary>
    /// <param name="a">The later pointer.</param>
    /// <param name="b">The earlier pointer.</param>
    public static int operator -(PgdPtr a, PgdPtr b) => (int)((long)a.Address - b.Address) / (int)a.Width;
    /// <inheritdoc/>
    public override string ToString() => $"(pgd_t *)0x{Address:x8}";
}

/// <summary>A pointer to a pmd entry (<c>pmd_t *</c>). Without PAE it has the same address as the pgd entry it folds into.</summary>
/// <param name="Address">Kernel virtual address of the entry; 0 is NULL.</param>
/// <param name="Width">Bytes per entry: 4 (2-level) or 8 (PAE).</param>
public readonly record struct PmdPtr(uint Address, uint Width)
{
    /// <summary>True for NULL.</summary>
    public bool IsNull => Address == 0;
    /// <summary>Pointer arithmetic: <paramref name="n"/> entries further.</summary>
    /// <param name="p">The pointer.</param>
    /// <param name="n">Number of entries.</param>
    public static PmdPtr operator +(PmdPtr p, int n) => p with { Address = (uint)(p.Address + n * p.Width) };
    /// <summary>The next entry.</summary>
    /// <param name="p">The pointer.</param>
    public static PmdPtr operator ++(PmdPtr p) => p + 1;
    /// <summary>Entries between two pointers into the same table.</summary>
    /// <param name="a">The later pointer.</param>
    /// <param name="b">The earlier pointer.</param>
    public static int operator -(PmdPtr a, PmdPtr b) => (int)((long)a.Address - b.Address) / (int)a.Width;
    /// <inheritdoc/>
    public override string ToString() => $"(pmd_t *)0x{Address:x8}";
}

/// <summary>A pointer to a pte (<c>pte_t *</c>).</summary>
/// <param name="Address">Kernel virtual address of the entry; 0 is NULL.</param>
/// <param name="Width">Bytes per entry: 4 (2-level) or 8 (PAE).</param>
public readonly record struct PtePtr(uint Address, uint Width)
{
    /// <summary>True for NULL.</summary>
    public bool IsNull => Address == 0;
    /// <summary>Pointer arithmetic: <paramref name="n"/> entries further (negative goes back, as <c>kmap_pte - idx</c>).</summary>
    /// <param name="p">The pointer.</param>
    /// <param name="n">Number of entries.</param>
    public static PtePtr operator +(PtePtr p, int n) => p with { Address = (uint)(p.Address + n * p.Width) };
    /// <summary>Pointer arithmetic: <paramref name="n"/> entries back.</summary>
    /// <param name="p">The pointer.</param>
    /// <param name="n">Number of entries.</param>
    public static PtePtr operator -(PtePtr p, int n) => p + -n;
    /// <summary>The next entry.</summary>
    /// <param name="p">The pointer.</param>
    public static PtePtr operator ++(PtePtr p) => p + 1;
    /// <summary>Entries between two pointers into the same table.</summary>
    /// <param name="a">The later pointer.</param>
    /// <param name="b">The earlier pointer.</param>
    public static int operator -(PtePtr a, PtePtr b) => (int)((long)a.Address - b.Address) / (int)a.Width;
    /// <inheritdoc/>
    public override string ToString() => $"(pte_t *)0x{Address:x8}";
}
