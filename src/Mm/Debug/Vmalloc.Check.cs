using LinuxVm.Mm.Arch;
using LinuxVm.Mm.Include;
using static LinuxVm.Mm.Include.PageConstants;

namespace LinuxVm.Mm;

// Debug checker of vmalloc (no kernel counterpart): the area list and the kernel page tables
// must describe the same set of mappings.
public sealed partial class Vmalloc
{
    /// <summary>
    /// Throws <see cref="InvariantViolationException"/> unless: areas are page aligned, sorted,
    /// disjoint and inside [VMALLOC_START, VMALLOC_END); each area's last page (the guard) is
    /// unmapped; every page of a VM_ALLOC area is mapped, present, to an allocated (count &gt; 0,
    /// not reserved) page that no other mapping in the range uses; and no pte of the range
    /// outside every area maps anything.
    /// </summary>
    public void CheckInvariants()
    {
        IArchitecture arch = _kernel.Arch;
        uint start = arch.VmallocStart, end = arch.VmallocEnd;
        var seen = new HashSet<int>();
        uint prevEnd = start;
        foreach (VmStruct a in Areas)
        {
            if ((a.Addr & ~PageMask) != 0 || (a.Size & ~PageMask) != 0 || a.Size < 2 * PageSize && a.Flags == VmStruct.VmAlloc)
                throw new InvariantViolationException($"{a}: not page aligned or too small");
            if (a.Addr < prevEnd)
                throw new InvariantViolationException($"{a}: overlaps or is out of order (previous area ends at 0x{prevEnd:x8})");
            if ((ulong)a.Addr + a.Size > end)
                throw new InvariantViolationException($"{a}: goes past VMALLOC_END 0x{end:x8}");
            for (uint va = prevEnd; va < a.Addr; va += PageSize)
                if (Lookup(va) is { None: false } gap)
                    throw new InvariantViolationException($"0x{va:x8} between areas is mapped ({gap})");
            uint guard = a.Addr + a.Size - PageSize;
            for (uint va = a.Addr; va < guard; va += PageSize)
            {
                Pte? pte = Lookup(va);
                if (a.Flags != VmStruct.VmAlloc)
                    continue;
                if (pte is not { Present: true } p)
                    throw new InvariantViolationException($"{a}: page 0x{va:x8} is not mapped");
                Page page = arch.PtePage(p);
                if (page.Count <= 0 || PageFlags.PageReserved(page))
                    throw new InvariantViolationException($"{a}: page 0x{va:x8} maps {page}, which is free or reserved");
                if (!seen.Add(page.MapNr))
                    throw new InvariantViolationException($"{a}: page 0x{va:x8} maps {page}, already mapped elsewhere");
            }
            if (Lookup(guard) is { None: false } g)
                throw new InvariantViolationException($"{a}: guard page 0x{guard:x8} is mapped ({g})");
            prevEnd = a.Addr + a.Size;
        }
    }

    // The pte for va in init_mm's tables, or null when no page table covers it.
    private Pte? Lookup(uint va)
    {
        IArchitecture arch = _kernel.Arch;
        PgdPtr pgd = arch.PgdOffsetK(va);
        PmdPtr pmd = arch.PmdOffset(pgd, va);
        Pmd pmdval = arch.ReadPmd(pmd);
        if (pmdval.None || pmdval.Bad)
            return null;
        return arch.ReadPte(arch.PteOffset(pmd, va));
    }
}
