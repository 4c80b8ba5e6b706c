using LinuxVm.Mm.Arch;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.KernelModel;
using LinuxVm.Mm.Sim;
using static LinuxVm.Mm.Include.PageConstants;

namespace LinuxVm.Mm;

/// <summary>
/// The port of mm/vmalloc.c: memory that is contiguous in the kernel's virtual address space but
/// made of scattered physical pages. An area is carved out of the range between VMALLOC_START and
/// VMALLOC_END (first fit, in address order), its pages come one at a time from the buddy
/// allocator, and the kernel's page tables (init_mm) map them.
/// </summary>
/// <remarks>
/// Every process shares the kernel's page tables only down to the pmd level, so new vmalloc
/// mappings are created in init_mm alone; i386's fault handler copies the pgd entry into a process
/// page directory the first time that process touches the area.
/// </remarks>
public sealed partial class Vmalloc
{
    private readonly Kernel _kernel;

    /// <summary>Creates this file's state for <paramref name="kernel"/>.</summary>
    /// <param name="kernel">The kernel that owns it.</param>
    public Vmalloc(Kernel kernel) => _kernel = kernel;

    /// <summary>Protects <see cref="Vmlist"/>.</summary>
    /// <remarks>Port note: a reader-writer lock in C; the simulation has one thread, so a plain
    /// lock taken by readers and writers alike keeps the same rules visible.</remarks>
    [Linux("mm/vmalloc.c", "vmlist_lock")]
    public SpinLock VmlistLock { get; } = new("vmlist_lock");

    /// <summary>The first area by address, or null when nothing is allocated.</summary>
    [Linux("mm/vmalloc.c", "vmlist")]
    public VmStruct? Vmlist { get; private set; }

    /// <summary>The areas in list order.</summary>
    public IEnumerable<VmStruct> Areas
    {
        get
        {
            for (VmStruct? a = Vmlist; a is not null; a = a.Next)
                yield return a;
        }
    }

    private IArchitecture Arch => _kernel.Arch;

    /// <summary>
    /// Unmaps the ptes of one page table that lie in [address, address + size) and frees the pages
    /// they mapped (unless reserved, as an ioremap of a ROM would be).
    /// </summary>
    /// <param name="pmd">The pmd entry whose page table is walked.</param>
    /// <param name="address">First address.</param>
    /// <param name="size">Bytes.</param>
    [Linux("mm/vmalloc.c", "free_area_pte")]
    private void FreeAreaPte(PmdPtr pmd, uint address, uint size)
    {
        Pmd pmdval = Arch.ReadPmd(pmd);
        if (pmdval.None)
            return;
        if (pmdval.Bad)
        {
            _kernel.Printk($"mm/vmalloc.c: bad pmd {pmdval.Value:x8}.");   // pmd_ERROR
            Arch.PmdClear(pmd);
            return;
        }
        PtePtr pte = Arch.PteOffset(pmd, address);
        address &= ~Arch.PmdMask;
        uint end = address + size;
        if (end > Arch.PmdSize)
            end = Arch.PmdSize;
        do
        {
            Pte page = Arch.PtepGetAndClear(pte);
            address += PageSize;
            pte++;
            if (page.None)
                continue;
            if (page.Present)
            {
                // Port note: VALID_PAGE compares the page with mem_map + max_mapnr; the frame
                // number is compared first here because an ioremap of device memory names frames
                // that have no descriptor at all.
                if (page.Pfn < _kernel.Memory.MaxMapnr)
                {
                    Page ptpage = Arch.PtePage(page);
                    if (!PageFlags.PageReserved(ptpage))
                        _kernel.PageAlloc.FreePage(ptpage);
                }
                continue;
            }
            _kernel.Printk("Whee.. Swapped out page in kernel page table");
        } while (address < end);
    }

    /// <summary>Walks the pmds under one pgd entry that lie in [address, address + size) and unmaps each one's ptes.</summary>
    /// <param name="dir">The pgd entry.</param>
    /// <param name="address">First address.</param>
    /// <param name="size">Bytes.</param>
    [Linux("mm/vmalloc.c", "free_area_pmd")]
    private void FreeAreaPmd(PgdPtr dir, uint address, uint size)
    {
        Pgd pgdval = Arch.ReadPgd(dir);
        if (pgdval.None)
            return;
        if (pgdval.Bad)
        {
            _kernel.Printk($"mm/vmalloc.c: bad pgd {pgdval.Value:x8}.");  // pgd_ERROR
            Arch.PgdClear(dir);
            return;
        }
        PmdPtr pmd = Arch.PmdOffset(dir, address);
        address &= ~Arch.PgdirMask;
        uint end = address + size;
        if (end > Arch.PgdirSize)
            end = Arch.PgdirSize;
        do
        {
            FreeAreaPte(pmd, address, end - address);
            address = (address + Arch.PmdSize) & Arch.PmdMask;
            pmd++;
        } while (address != 0 && address < end);
    }

    /// <summary>
    /// Unmaps [address, address + size) from the kernel page tables, frees the pages, and flushes
    /// every CPU's TLB (the mappings are global, so nothing less would drop them).
    /// </summary>
    /// <param name="address">First address, page aligned.</param>
    /// <param name="size">Bytes.</param>
    /// <remarks>The page tables themselves stay: later areas reuse them.</remarks>
    [Linux("mm/vmalloc.c", "vmfree_area_pages")]
    public void VmfreeAreaPages(uint address, uint size)
    {
        uint end = address + size;
        PgdPtr dir = Arch.PgdOffsetK(address);
        Arch.FlushCacheAll();
        do
        {
            FreeAreaPmd(dir, address, end - address);
            address = (address + Arch.PgdirSize) & Arch.PgdirMask;
            dir++;
        } while (address != 0 && address < end);
        Arch.FlushTlbAll();
    }

    /// <summary>Fills the ptes of one page table for [address, address + size) with freshly allocated pages. -ENOMEM when a page cannot be had.</summary>
    /// <param name="pte">The first pte to fill.</param>
    /// <param name="address">First address.</param>
    /// <param name="size">Bytes.</param>
    /// <param name="gfpMask">How to allocate the pages.</param>
    /// <param name="prot">Protection of the mappings.</param>
    [Linux("mm/vmalloc.c", "alloc_area_pte")]
    private int AllocAreaPte(PtePtr pte, uint address, uint size, uint gfpMask, Pgprot prot)
    {
        address &= ~Arch.PmdMask;
        uint end = address + size;
        if (end > Arch.PmdSize)
            end = Arch.PmdSize;
        do
        {
            // alloc_page may sleep: never with a spinlock held.
            _kernel.InitMm.PageTableLock.Unlock();
            Page? page = _kernel.PageAlloc.AllocPage(gfpMask);
            _kernel.InitMm.PageTableLock.Lock();
            if (!Arch.ReadPte(pte).None)
                _kernel.Printk("alloc_area_pte: page already exists");
            if (page is null)
                return -Errno.Enomem;
            Arch.SetPte(pte, Arch.MkPte(page, prot));
            address += PageSize;
            pte++;
        } while (address < end);
        return 0;
    }

    /// <summary>For each pmd under one pgd entry in [address, address + size): find or make its page table, then fill it.</summary>
    /// <param name="pmd">The first pmd.</param>
    /// <param name="address">First address.</param>
    /// <param name="size">Bytes.</param>
    /// <param name="gfpMask">How to allocate the pages.</param>
    /// <param name="prot">Protection of the mappings.</param>
    [Linux("mm/vmalloc.c", "alloc_area_pmd")]
    private int AllocAreaPmd(PmdPtr pmd, uint address, uint size, uint gfpMask, Pgprot prot)
    {
        address &= ~Arch.PgdirMask;
        uint end = address + size;
        if (end > Arch.PgdirSize)
            end = Arch.PgdirSize;
        do
        {
            PtePtr pte = _kernel.Memory.PteAlloc(_kernel.InitMm, pmd, address);
            if (pte.IsNull)
                return -Errno.Enomem;
            if (AllocAreaPte(pte, address, end - address, gfpMask, prot) != 0)
                return -Errno.Enomem;
            address = (address + Arch.PmdSize) & Arch.PmdMask;
            pmd++;
        } while (address < end);
        return 0;
    }

    /// <summary>
    /// Maps [address, address + size) in the kernel page tables with freshly allocated pages,
    /// creating page tables as needed. 0, or -ENOMEM with whatever was mapped left in place (the
    /// caller's vfree cleans it up).
    /// </summary>
    /// <param name="address">First address, page aligned.</param>
    /// <param name="size">Bytes, page aligned.</param>
    /// <param name="gfpMask">How to allocate the pages.</param>
    /// <param name="prot">Protection of the mappings.</param>
    [Linux("mm/vmalloc.c", "vmalloc_area_pages")]
    public int VmallocAreaPages(uint address, uint size, uint gfpMask, Pgprot prot)
    {
        uint end = address + size;
        int ret;
        PgdPtr dir = Arch.PgdOffsetK(address);
        _kernel.InitMm.PageTableLock.Lock();
        do
        {
            PmdPtr pmd = _kernel.Memory.PmdAlloc(_kernel.InitMm, dir, address);
            ret = -Errno.Enomem;
            if (pmd.IsNull)
                break;

            ret = -Errno.Enomem;
            if (AllocAreaPmd(pmd, address, end - address, gfpMask, prot) != 0)
                break;

            address = (address + Arch.PgdirSize) & Arch.PgdirMask;
            dir++;

            ret = 0;
        } while (address != 0 && address < end);
        _kernel.InitMm.PageTableLock.Unlock();
        Arch.FlushCacheAll();
        return ret;
    }

    /// <summary>
    /// Reserves <paramref name="size"/> bytes plus a guard page of the vmalloc range: walks the
    /// sorted area list and takes the first gap that is big enough. Null when none is.
    /// </summary>
    /// <param name="size">Bytes wanted, page aligned.</param>
    /// <param name="flags"><see cref="VmStruct.VmAlloc"/> or <see cref="VmStruct.VmIoremap"/>.</param>
    [Linux("mm/vmalloc.c", "get_vm_area")]
    public VmStruct? GetVmArea(uint size, uint flags)
    {
        // #region kmalloc
        // The descriptor is charged to the size-32 kmalloc cache as in the kernel. Port note: its
        // fields live in the C# object; the kmalloc'd bytes are kept so that the memory is really
        // taken from the slab allocator and returned by vfree.
        uint objp = _kernel.Slab.Kmalloc(VmStruct.SizeOf, Gfp.Kernel);
        VmStruct? area = objp == 0 ? null : new VmStruct { Objp = objp };
        // #endregion
        if (area is null)
            return null;

        // #region search
        size += PageSize;                        // the guard page
        if (size == 0)
        {
            _kernel.Slab.Kfree(area.Objp);        // the size wrapped
            return null;
        }

        uint addr = Arch.VmallocStart;
        VmlistLock.Lock();
        VmStruct? prev = null;
        VmStruct? tmp;
        for (tmp = Vmlist; tmp is not null; prev = tmp, tmp = tmp.Next)
        {
            if (size + addr < addr)
                goto Out;
            if (size + addr <= tmp.Addr)
                break;
            addr = tmp.Size + tmp.Addr;
            if (addr > Arch.VmallocEnd - size)
                goto Out;
        }
        // #endregion
        area.Flags = flags;
        area.Addr = addr;
        area.Size = size;
        area.Next = tmp;
        if (prev is null)
            Vmlist = area;
        else
            prev.Next = area;
        VmlistLock.Unlock();
        return area;

    Out:
        VmlistLock.Unlock();
        _kernel.Slab.Kfree(area.Objp);
        return null;
    }

    /// <summary>Frees the area that starts at <paramref name="addr"/>: unlinks it, unmaps and frees its pages. A bad or unknown address is logged and ignored.</summary>
    /// <param name="addr">An address returned by vmalloc (or ioremap's page-aligned base); 0 does nothing.</param>
    [Linux("mm/vmalloc.c", "vfree")]
    public void Vfree(uint addr)
    {
        if (addr == 0)
            return;
        if (((PageSize - 1) & addr) != 0)
        {
            _kernel.Printk($"Trying to vfree() bad address ({addr:x8})");
            return;
        }
        VmlistLock.Lock();
        VmStruct? prev = null;
        for (VmStruct? tmp = Vmlist; tmp is not null; prev = tmp, tmp = tmp.Next)
        {
            if (tmp.Addr == addr)
            {
                if (prev is null)
                    Vmlist = tmp.Next;
                else
                    prev.Next = tmp.Next;
                VmfreeAreaPages(tmp.Addr, tmp.Size);
                VmlistLock.Unlock();
                _kernel.Slab.Kfree(tmp.Objp);
                return;
            }
        }
        VmlistLock.Unlock();
        _kernel.Printk($"Trying to vfree() nonexistent vm area ({addr:x8})");
    }

    /// <summary>
    /// Allocates <paramref name="size"/> bytes (rounded up to pages) of virtually contiguous
    /// memory with pages allocated by <paramref name="gfpMask"/> and mapped with
    /// <paramref name="prot"/>. Returns the kernel virtual address, or 0 (NULL).
    /// </summary>
    /// <param name="size">Bytes.</param>
    /// <param name="gfpMask">Allocation flags for the pages.</param>
    /// <param name="prot">Protection of the mapping.</param>
    [Linux("mm/vmalloc.c", "__vmalloc")]
    public uint AllocCore(uint size, uint gfpMask, Pgprot prot)
    {
        size = PageAlign(size);
        if (size == 0 || (size >> PageShift) > _kernel.Memory.NumPhyspages)
        {
            // Port note: 2.4.20 calls BUG() here (an oops that kills the caller) and only then
            // has "return NULL". The simulation keeps the machine running: it logs the bug and
            // returns NULL, changing nothing, as this project's callers expect.
            _kernel.Printk($"kernel BUG at vmalloc.c: __vmalloc size {size}");
            return 0;
        }
        VmStruct? area = GetVmArea(size, VmStruct.VmAlloc);
        if (area is null)
            return 0;
        uint addr = area.Addr;
        if (VmallocAreaPages(addr, size, gfpMask, prot) != 0)
        {
            Vfree(addr);
            return 0;
        }
        return addr;
    }

    /// <summary>vmalloc: any pages, high memory welcome, mapped PAGE_KERNEL.</summary>
    /// <param name="size">Bytes.</param>
    [Linux("include/linux/vmalloc.h", "vmalloc")]
    public uint Alloc(uint size) => AllocCore(size, Gfp.Kernel | Gfp.HighMem, Pgprot.PageKernel);

    /// <summary>vmalloc_dma: pages an ISA device can reach (ZONE_DMA).</summary>
    /// <param name="size">Bytes.</param>
    [Linux("include/linux/vmalloc.h", "vmalloc_dma")]
    public uint AllocDma(uint size) => AllocCore(size, Gfp.Kernel | Gfp.GfpDma, Pgprot.PageKernel);

    /// <summary>vmalloc_32: pages with 32-bit physical addresses (no high memory), for 32-bit PCI devices.</summary>
    /// <param name="size">Bytes.</param>
    [Linux("include/linux/vmalloc.h", "vmalloc_32")]
    public uint Alloc32(uint size) => AllocCore(size, Gfp.Kernel, Pgprot.PageKernel);

    /// <summary>
    /// Copies <paramref name="count"/> bytes of the vmalloc range starting at
    /// <paramref name="addr"/> into <paramref name="buf"/>: gaps between areas, guard pages
    /// included, read as zeros, and copying stops at the end of the last area. Returns bytes copied.
    /// </summary>
    /// <param name="buf">Destination; at least <paramref name="count"/> bytes.</param>
    /// <param name="addr">First kernel virtual address.</param>
    /// <param name="count">Bytes wanted.</param>
    [Linux("mm/vmalloc.c", "vread")]
    public long Vread(Span<byte> buf, uint addr, uint count)
    {
        int pos = 0;
        Span<byte> one = stackalloc byte[1];
        if (addr + count < count)                // would wrap past 4 GiB
            count = 0u - addr;

        VmlistLock.Lock();
        for (VmStruct? tmp = Vmlist; tmp is not null; tmp = tmp.Next)
        {
            uint vaddr = tmp.Addr;
            if (addr >= vaddr + tmp.Size - PageSize)
                continue;
            while (addr < vaddr)
            {
                if (count == 0)
                    goto Finished;
                buf[pos++] = 0;
                addr++;
                count--;
            }
            uint n = vaddr + tmp.Size - PageSize - addr;
            do
            {
                if (count == 0)
                    goto Finished;
                Arch.ReadVirtual(addr, one);
                buf[pos++] = one[0];
                addr++;
                count--;
            } while (--n > 0);
        }
    Finished:
        VmlistLock.Unlock();
        return pos;
    }

    /// <summary>
    /// Copies <paramref name="count"/> bytes from <paramref name="buf"/> into the vmalloc range at
    /// <paramref name="addr"/>: bytes that fall in gaps between areas, guard pages included, are
    /// dropped (not written). Returns bytes consumed.
    /// </summary>
    /// <param name="buf">Source.</param>
    /// <param name="addr">First kernel virtual address.</param>
    /// <param name="count">Bytes.</param>
    [Linux("mm/vmalloc.c", "vwrite")]
    public long Vwrite(ReadOnlySpan<byte> buf, uint addr, uint count)
    {
        int pos = 0;
        if (addr + count < count)
            count = 0u - addr;

        VmlistLock.Lock();
        for (VmStruct? tmp = Vmlist; tmp is not null; tmp = tmp.Next)
        {
            uint vaddr = tmp.Addr;
            if (addr >= vaddr + tmp.Size - PageSize)
                continue;
            while (addr < vaddr)
            {
                if (count == 0)
                    goto Finished;
                pos++;
                addr++;
                count--;
            }
            uint n = vaddr + tmp.Size - PageSize - addr;
            do
            {
                if (count == 0)
                    goto Finished;
                Arch.WriteVirtual(addr, buf.Slice(pos, 1));
                pos++;
                addr++;
                count--;
            } while (--n > 0);
        }
    Finished:
        VmlistLock.Unlock();
        return pos;
    }
}
