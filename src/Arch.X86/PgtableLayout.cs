using LinuxVm.Mm.Arch;
using LinuxVm.Mm.Sim;

namespace LinuxVm.Arch.X86;

/// <summary>
/// What differs between the two page-table layouts the i386 kernel can be built with (the
/// "compile-time dual mode" of include/asm-i386/pgtable.h): the geometry, the entry width, how a
/// pmd is found under a pgd entry, how entries are stored, and how a process's page directory is
/// built. <see cref="PgtableTwoLevel"/> is the classic layout, <see cref="PgtableThreeLevel"/> PAE.
/// </summary>
public abstract class PgtableLayout
{
    /// <summary>log2 of the area one pgd entry maps.</summary>
    public abstract int PgdirShift { get; }
    /// <summary>Entries in a pgd.</summary>
    public abstract int PtrsPerPgd { get; }
    /// <summary>log2 of the area one pmd entry maps.</summary>
    public abstract int PmdShift { get; }
    /// <summary>Entries in a pmd table.</summary>
    public abstract int PtrsPerPmd { get; }
    /// <summary>Entries in a page table.</summary>
    public abstract int PtrsPerPte { get; }
    /// <summary>Bytes per entry at every level.</summary>
    public abstract uint EntryBytes { get; }
    /// <summary>Permanent kmap slots: one page table's worth.</summary>
    public abstract int LastPkmap { get; }

    /// <summary>The pmd entry under pgd entry <paramref name="dir"/> covering <paramref name="address"/>.</summary>
    /// <param name="arch">The architecture (to read the pgd entry).</param>
    /// <param name="dir">The pgd entry.</param>
    /// <param name="address">The virtual address.</param>
    public abstract PmdPtr PmdOffset(I386 arch, PgdPtr dir, uint address);

    /// <summary>Reads the entry at physical address <paramref name="paddr"/>.</summary>
    /// <param name="phys">Memory.</param>
    /// <param name="paddr">Physical address of the entry.</param>
    public ulong Read(PhysicalMemory phys, ulong paddr) => EntryBytes == 4 ? phys.ReadU32(paddr) : phys.ReadU64(paddr);

    /// <summary>Writes a whole entry in one store (<c>set_pmd</c>, <c>set_pgd</c>, <c>set_pte_atomic</c>).</summary>
    /// <param name="phys">Memory.</param>
    /// <param name="paddr">Physical address of the entry.</param>
    /// <param name="value">The entry.</param>
    public void WriteAtomic(PhysicalMemory phys, ulong paddr, ulong value)
    {
        if (EntryBytes == 4)
            phys.WriteU32(paddr, (uint)value);
        else
            phys.WriteU64(paddr, value);
    }

    /// <summary>Stores a pte the way <c>set_pte</c> does in this layout.</summary>
    /// <param name="phys">Memory.</param>
    /// <param name="paddr">Physical address of the entry.</param>
    /// <param name="pte">The entry.</param>
    public abstract void SetPte(PhysicalMemory phys, ulong paddr, Pte pte);

    /// <summary>Reads and zeroes a pte the way <c>ptep_get_and_clear</c> does in this layout.</summary>
    /// <param name="phys">Memory.</param>
    /// <param name="paddr">Physical address of the entry.</param>
    public abstract Pte PtepGetAndClear(PhysicalMemory phys, ulong paddr);

    /// <summary>Builds a new process page directory (<c>get_pgd_slow</c>); 0 when out of memory.</summary>
    /// <param name="arch">The architecture.</param>
    public abstract uint GetPgdSlow(I386 arch);

    /// <summary>Frees a page directory (<c>free_pgd_slow</c>).</summary>
    /// <param name="arch">The architecture.</param>
    /// <param name="pgd">Kernel virtual address of the pgd.</param>
    public abstract void FreePgdSlow(I386 arch, uint pgd);
}
