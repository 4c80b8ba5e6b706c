using LinuxVm.Mm.Arch;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.KernelModel;

namespace LinuxVm.Mm;

// mm/memory.c: filling a range of the current process's page tables in one go, either with the
// zero page (reads of /dev/zero mappings) or with physical frames (drivers' mmap of device memory).
public sealed partial class Memory
{
    /// <summary>Points the ptes of one table in [address, address + size) at the zero page, read-only.</summary>
    /// <param name="pte">The first pte.</param>
    /// <param name="address">First address.</param>
    /// <param name="size">Bytes (clipped to the table).</param>
    /// <param name="prot">Protection (write permission is removed).</param>
    [Linux("mm/memory.c", "zeromap_pte_range")]
    private void ZeromapPteRange(PtePtr pte, uint address, uint size, Pgprot prot)
    {
        IArchitecture arch = _kernel.Arch;
        address &= ~arch.PmdMask;
        uint end = address + size;
        if (end > arch.PmdSize)
            end = arch.PmdSize;
        do
        {
            Pte zeroPte = arch.MkPte(arch.ZeroPage(address), prot).WrProtect();
            Pte oldpage = arch.PtepGetAndClear(pte);
            arch.SetPte(pte, zeroPte);
            ForgetPte(oldpage);
            address += PageConstants.PageSize;
            pte++;
        } while (address != 0 && address < end);
    }

    /// <summary>Zero-maps the part of the range under one pmd table, allocating page tables.</summary>
    /// <param name="mm">The address space.</param>
    /// <param name="pmd">The first pmd entry.</param>
    /// <param name="address">First address.</param>
    /// <param name="size">Bytes.</param>
    /// <param name="prot">Protection.</param>
    [Linux("mm/memory.c", "zeromap_pmd_range")]
    private int ZeromapPmdRange(MmStruct mm, PmdPtr pmd, uint address, uint size, Pgprot prot)
    {
        IArchitecture arch = _kernel.Arch;
        address &= ~arch.PgdirMask;
        uint end = address + size;
        if (end > arch.PgdirSize)
            end = arch.PgdirSize;
        do
        {
            PtePtr pte = PteAlloc(mm, pmd, address);
            if (pte.IsNull)
                return -Errno.Enomem;
            ZeromapPteRange(pte, address, end - address, prot);
            address = (address + arch.PmdSize) & arch.PmdMask;
            pmd++;
        } while (address != 0 && address < end);
        return 0;
    }

    /// <summary>
    /// Maps the zero page, read-only, at every page of [address, address + size) in the current
    /// process (the range must be unmapped). Returns 0 or -ENOMEM.
    /// </summary>
    /// <param name="address">First user address, page aligned.</param>
    /// <param name="size">Bytes, more than 0.</param>
    /// <param name="prot">Protection.</param>
    [Linux("mm/memory.c", "zeromap_page_range")]
    public int ZeromapPageRange(uint address, uint size, Pgprot prot)
    {
        IArchitecture arch = _kernel.Arch;
        int error = 0;
        uint beg = address;
        uint end = address + size;
        MmStruct mm = _kernel.Current.Mm!;

        PgdPtr dir = arch.PgdOffset(mm, address);
        arch.FlushCacheRange(mm, beg, end);
        KernelPanicException.BugOn(address >= end, "address >= end", "zeromap_page_range");

        mm.PageTableLock.Lock();
        do
        {
            PmdPtr pmd = PmdAlloc(mm, dir, address);
            error = -Errno.Enomem;
            if (pmd.IsNull)
                break;
            error = ZeromapPmdRange(mm, pmd, address, end - address, prot);
            if (error != 0)
                break;
            address = (address + arch.PgdirSize) & arch.PgdirMask;
            dir++;
        } while (address != 0 && address < end);
        mm.PageTableLock.Unlock();
        arch.FlushTlbRange(mm, beg, end);
        return error;
    }

    /// <summary>
    /// Points the ptes of one table at consecutive physical frames. Only frames that are not
    /// ordinary RAM (outside mem_map, or reserved) are mapped; a pte for ordinary RAM is left
    /// empty, so a driver cannot hand out pages the allocator owns.
    /// </summary>
    /// <param name="pte">The first pte.</param>
    /// <param name="address">First address.</param>
    /// <param name="size">Bytes (clipped to the table).</param>
    /// <param name="physAddr">Physical address for the first page.</param>
    /// <param name="prot">Protection.</param>
    [Linux("mm/memory.c", "remap_pte_range")]
    private void RemapPteRange(PtePtr pte, uint address, uint size, ulong physAddr, Pgprot prot)
    {
        IArchitecture arch = _kernel.Arch;
        address &= ~arch.PmdMask;
        uint end = address + size;
        if (end > arch.PmdSize)
            end = arch.PmdSize;
        do
        {
            Pte oldpage = arch.PtepGetAndClear(pte);

            // virt_to_page(__va(phys_addr)), tested with VALID_PAGE before it is dereferenced.
            uint pfn = (uint)(physAddr >> PageConstants.PageShift);
            if (pfn >= MaxMapnr || PageFlags.PageReserved(MemMap[(int)pfn]))
                arch.SetPte(pte, Pte.MkPtePhys(physAddr, prot));
            ForgetPte(oldpage);
            address += PageConstants.PageSize;
            physAddr += PageConstants.PageSize;
            pte++;
        } while (address != 0 && address < end);
    }

    /// <summary>Remaps the part of the range under one pmd table, allocating page tables.</summary>
    /// <param name="mm">The address space.</param>
    /// <param name="pmd">The first pmd entry.</param>
    /// <param name="address">First address.</param>
    /// <param name="size">Bytes.</param>
    /// <param name="physAddr">Physical address for <paramref name="address"/>.</param>
    /// <param name="prot">Protection.</param>
    [Linux("mm/memory.c", "remap_pmd_range")]
    private int RemapPmdRange(MmStruct mm, PmdPtr pmd, uint address, uint size, ulong physAddr, Pgprot prot)
    {
        IArchitecture arch = _kernel.Arch;
        address &= ~arch.PgdirMask;
        uint end = address + size;
        if (end > arch.PgdirSize)
            end = arch.PgdirSize;
        physAddr -= address;
        do
        {
            PtePtr pte = PteAlloc(mm, pmd, address);
            if (pte.IsNull)
                return -Errno.Enomem;
            RemapPteRange(pte, address, end - address, address + physAddr, prot);
            address = (address + arch.PmdSize) & arch.PmdMask;
            pmd++;
        } while (address != 0 && address < end);
        return 0;
    }

    /// <summary>
    /// Maps physical memory from <paramref name="physAddr"/> at [from, from + size) in the current
    /// process (a driver's mmap). The range must be unmapped; the caller holds mmap_sem.
    /// Returns 0 or -ENOMEM.
    /// </summary>
    /// <param name="from">First user address, page aligned.</param>
    /// <param name="physAddr">Physical address, page aligned.</param>
    /// <param name="size">Bytes, more than 0.</param>
    /// <param name="prot">Protection.</param>
    [Linux("mm/memory.c", "remap_page_range")]
    public int RemapPageRange(uint from, ulong physAddr, uint size, Pgprot prot)
    {
        IArchitecture arch = _kernel.Arch;
        int error = 0;
        uint beg = from;
        uint end = from + size;
        MmStruct mm = _kernel.Current.Mm!;

        physAddr -= from;
        PgdPtr dir = arch.PgdOffset(mm, from);
        arch.FlushCacheRange(mm, beg, end);
        KernelPanicException.BugOn(from >= end, "from >= end", "remap_page_range");

        mm.PageTableLock.Lock();
        do
        {
            PmdPtr pmd = PmdAlloc(mm, dir, from);
            error = -Errno.Enomem;
            if (pmd.IsNull)
                break;
            error = RemapPmdRange(mm, pmd, from, end - from, physAddr + from, prot);
            if (error != 0)
                break;
            from = (from + arch.PgdirSize) & arch.PgdirMask;
            dir++;
        } while (from != 0 && from < end);
        mm.PageTableLock.Unlock();
        arch.FlushTlbRange(mm, beg, end);
        return error;
    }
}
