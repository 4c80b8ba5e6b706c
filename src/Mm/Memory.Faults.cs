using LinuxVm.Mm.Arch;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.KernelModel;

namespace LinuxVm.Mm;

// mm/memory.c, the page-fault handlers: what handle_mm_fault does once the architecture's fault
// handler has found the region. A pte that was never used gets a page on demand (do_no_page,
// do_anonymous_page); a present read-only pte in a writable region is a copy-on-write break
// (do_wp_page); a pte holding a swap entry is swapped in (do_swap_page).
//
// Return values, used by do_page_fault and get_user_pages:
//   1  minor fault (no I/O), 2  major fault (waited for I/O), 0  SIGBUS, -1  out of memory.
public sealed partial class Memory
{
    /// <summary>Installs a new value in a present pte and drops the stale TLB entry for it.</summary>
    /// <param name="vma">The region.</param>
    /// <param name="address">The address.</param>
    /// <param name="pageTable">The pte.</param>
    /// <param name="entry">The new value.</param>
    [Linux("mm/memory.c", "establish_pte")]
    private void EstablishPte(VmAreaStruct vma, uint address, PtePtr pageTable, Pte entry)
    {
        IArchitecture arch = _kernel.Arch;
        arch.SetPte(pageTable, entry);
        arch.FlushTlbPage(vma.VmMm, address);
        arch.UpdateMmuCache(address, entry);
    }

    /// <summary>Points the faulting pte at the new private copy, writable and dirty.</summary>
    /// <param name="vma">The region.</param>
    /// <param name="newPage">The copy.</param>
    /// <param name="address">The address.</param>
    /// <param name="pageTable">The pte.</param>
    [Linux("mm/memory.c", "break_cow")]
    private void BreakCow(VmAreaStruct vma, Page newPage, uint address, PtePtr pageTable)
    {
        IArchitecture arch = _kernel.Arch;
        arch.FlushPageToRam(newPage);
        arch.FlushCachePage(vma.VmMm, address);
        EstablishPte(vma, address, pageTable, arch.MkPte(newPage, vma.VmPageProt).MkDirty().MkWrite());
    }

    /// <summary>
    /// A write to a present, write-protected page of a writable region: copy-on-write. If this
    /// mapping holds the only reference the page is simply made writable again; otherwise the
    /// page (or, for the zero page, nothing) is copied into a new page that replaces it in this
    /// pte, and the old page loses this mapping's reference. Entered with page_table_lock held,
    /// returns with it released.
    /// </summary>
    /// <param name="mm">The address space.</param>
    /// <param name="vma">The region.</param>
    /// <param name="address">The faulting address.</param>
    /// <param name="pageTable">The pte.</param>
    /// <param name="pte">Its value when the fault was examined.</param>
    [Linux("mm/memory.c", "do_wp_page")]
    private int DoWpPage(MmStruct mm, VmAreaStruct vma, uint address, PtePtr pageTable, Pte pte)
    {
        IArchitecture arch = _kernel.Arch;
        if (!PteMapsValidPage(pte))
        {
            mm.PageTableLock.Unlock();
            _kernel.Printk($"do_wp_page: bogus page at address {address:x8} (frame 0x{pte.Pfn:x})");
            return -1;
        }
        Page oldPage = arch.PtePage(pte);

        // #region reuse
        if (!TryLockPage(oldPage))
        {
            bool reuse = _kernel.Swapfile.CanShareSwapPage(oldPage);
            UnlockPage(oldPage);
            if (reuse)
            {
                arch.FlushCachePage(mm, address);
                EstablishPte(vma, address, pageTable, pte.MkWrite().MkDirty().MkYoung());
                mm.PageTableLock.Unlock();
                return 1;
            }
        }
        // #endregion

        // #region copy
        // Somebody else maps the page too: copy it. The lock is dropped to allocate, and the
        // extra reference keeps the old page alive meanwhile.
        PageFlags.GetPage(oldPage);
        mm.PageTableLock.Unlock();

        Page? newPage = _kernel.PageAlloc.AllocPage(Gfp.HighUser);
        if (newPage == null)
        {
            _kernel.PageAlloc.FreePage(oldPage);
            return -1;
        }
        CopyCowPage(oldPage, newPage, address);

        // The pte may have changed while the lock was dropped; only a pte still as seen is replaced.
        mm.PageTableLock.Lock();
        if (Pte.Same(arch.ReadPte(pageTable), pte))
        {
            // The zero page was never counted in rss; its private replacement is.
            if (PageFlags.PageReserved(oldPage))
                ++mm.Rss;
            BreakCow(vma, newPage, address, pageTable);
            _kernel.Swap.LruCacheAdd(newPage);

            // The pte's reference to the old page goes with the release below.
            newPage = oldPage;
        }
        mm.PageTableLock.Unlock();
        _kernel.PageAlloc.FreePage(newPage);
        _kernel.PageAlloc.FreePage(oldPage);
        return 1;
        // #endregion
    }

    /// <summary>Unmaps, in every region of one list of mappings of a file, the pages from page <paramref name="pgoff"/> of the file on.</summary>
    /// <param name="mpnt">The first region (linked by vm_next_share).</param>
    /// <param name="pgoff">First file page that no longer exists.</param>
    [Linux("mm/memory.c", "vmtruncate_list")]
    private void VmtruncateList(VmAreaStruct? mpnt, uint pgoff)
    {
        for (; mpnt != null; mpnt = mpnt.VmNextShare)
        {
            MmStruct mm = mpnt.VmMm;
            uint start = mpnt.VmStart;
            uint end = mpnt.VmEnd;
            uint len = end - start;

            // The whole region lies past the new end of the file.
            if (mpnt.VmPgoff >= pgoff)
            {
                ZapPageRange(mm, start, len);
                continue;
            }

            // The region ends before the new end of the file.
            len >>= PageConstants.PageShift;
            uint diff = pgoff - mpnt.VmPgoff;
            if (diff >= len)
                continue;

            // The new end falls inside the region: unmap its tail.
            start += diff << PageConstants.PageShift;
            len = (len - diff) << PageConstants.PageShift;
            ZapPageRange(mm, start, len);
        }
    }

    /// <summary>
    /// Changes a file's size to <paramref name="offset"/> bytes. Shrinking unmaps, from every
    /// process, the pages that now lie beyond the end, then drops them from the page cache;
    /// growing checks RLIMIT_FSIZE (SIGXFSZ and -EFBIG past it) and the filesystem's maximum.
    /// Either way the filesystem's truncate method runs last. Returns 0 or -EFBIG.
    /// </summary>
    /// <param name="inode">The file's inode.</param>
    /// <param name="offset">The new size in bytes.</param>
    [Linux("mm/memory.c", "vmtruncate")]
    public int Vmtruncate(Fs.Inode inode, long offset)
    {
        Fs.AddressSpace mapping = inode.IMapping;

        if (inode.ISize < offset)
            goto do_expand;
        inode.ISize = offset;
        mapping.ISharedLock.Lock();
        if (mapping.IMmap == null && mapping.IMmapShared == null)
            goto out_unlock;

        uint pgoff = (uint)((offset + PageConstants.PageSize - 1) >> PageConstants.PageShift);
        if (mapping.IMmap != null)
            VmtruncateList(mapping.IMmap, pgoff);
        if (mapping.IMmapShared != null)
            VmtruncateList(mapping.IMmapShared, pgoff);

    out_unlock:
        mapping.ISharedLock.Unlock();
        _kernel.Filemap.TruncateInodePages(mapping, offset);
        goto out_truncate;

    do_expand:
        uint limit = _kernel.Current.Rlim[Resource.RlimitFsize].RlimCur;
        if (limit != Resource.RlimInfinity && offset > limit)
        {
            _kernel.Signal.SendSig(KernelModel.Signal.Sigxfsz, _kernel.Current, 0);
            return -Errno.Efbig;
        }
        if ((ulong)offset > inode.ISb!.SMaxbytes)
            return -Errno.Efbig;
        inode.ISize = offset;

    out_truncate:
        // Port note: the big kernel lock the C takes around the method is not modelled.
        inode.IOp?.Truncate?.Invoke(inode);
        return 0;
    }

    /// <summary>Reads ahead the aligned cluster of swap slots around a faulting entry.</summary>
    /// <param name="entry">The swap entry that faulted.</param>
    /// <remarks>Port note: needs valid_swaphandles and read_swap_cache_async (mm/swap_state.c,
    /// mm/swapfile.c), which arrive with the swap port. No pte can hold a swap entry before then.</remarks>
    [Linux("mm/memory.c", "swapin_readahead")]
    public void SwapinReadahead(SwpEntry entry) => throw Swapfile.NoSwap("swapin_readahead", entry);

    /// <summary>
    /// A fault on a pte that holds a swap entry: read the page back (from the swap cache, or from
    /// the swap device: a major fault) and map it. Entered with page_table_lock held, returns
    /// with it released.
    /// </summary>
    /// <param name="mm">The address space.</param>
    /// <param name="vma">The region.</param>
    /// <param name="address">The faulting address.</param>
    /// <param name="pageTable">The pte.</param>
    /// <param name="origPte">Its value (the swap entry).</param>
    /// <param name="writeAccess">Nonzero for a write.</param>
    /// <remarks>Port note: the body needs the swap cache (lookup_swap_cache, read_swap_cache_async,
    /// swap_free, remove_exclusive_swap_page) and is ported with it. Swap entries are written only
    /// by swap_out (mm/vmscan.c), so until then this fault cannot happen; if it does, it is
    /// reported rather than guessed at.</remarks>
    [Linux("mm/memory.c", "do_swap_page")]
    private int DoSwapPage(MmStruct mm, VmAreaStruct vma, uint address, PtePtr pageTable, Pte origPte, int writeAccess)
    {
        mm.PageTableLock.Unlock();
        throw Swapfile.NoSwap("do_swap_page", origPte.ToSwpEntry());
    }

    /// <summary>
    /// First touch of anonymous memory. A read maps the shared zero page read-only (nothing is
    /// allocated, and rss does not grow); a write allocates a zeroed page of the process's own,
    /// mapped writable and dirty. Entered with page_table_lock held, returns with it released.
    /// </summary>
    /// <param name="mm">The address space.</param>
    /// <param name="vma">The region.</param>
    /// <param name="pageTable">The empty pte.</param>
    /// <param name="writeAccess">Nonzero for a write.</param>
    /// <param name="addr">The faulting address.</param>
    [Linux("mm/memory.c", "do_anonymous_page")]
    private int DoAnonymousPage(MmStruct mm, VmAreaStruct vma, PtePtr pageTable, int writeAccess, uint addr)
    {
        IArchitecture arch = _kernel.Arch;

        // #region zero
        Pte entry = arch.MkPte(arch.ZeroPage(addr), vma.VmPageProt).WrProtect();
        // #endregion

        // #region write
        if (writeAccess != 0)
        {
            mm.PageTableLock.Unlock();

            Page? page = _kernel.PageAlloc.AllocPage(Gfp.HighUser);
            if (page == null)
                return -1;
            ClearUserHighpage(page, addr);

            mm.PageTableLock.Lock();
            // Another thread of the process may have mapped the page while the lock was dropped.
            if (!arch.ReadPte(pageTable).None)
            {
                _kernel.PageAlloc.FreePage(page);
                mm.PageTableLock.Unlock();
                return 1;
            }
            mm.Rss++;
            arch.FlushPageToRam(page);
            entry = arch.MkPte(page, vma.VmPageProt).MkDirty().MkWrite();
            _kernel.Swap.LruCacheAdd(page);
            _kernel.Filemap.MarkPageAccessed(page);
        }
        // #endregion

        arch.SetPte(pageTable, entry);

        // The pte was empty, so no TLB can hold it: no flush.
        arch.UpdateMmuCache(addr, entry);
        mm.PageTableLock.Unlock();
        return 1;
    }

    /// <summary>
    /// A fault on a pte that was never used. Anonymous regions go to do_anonymous_page; a region
    /// with a nopage method gets its page from it (a file's page-cache page, a shared-memory page),
    /// copied at once if this is a write to a private mapping. Entered with page_table_lock held,
    /// returns with it released; 2 (major) when nopage supplied the page.
    /// </summary>
    /// <param name="mm">The address space.</param>
    /// <param name="vma">The region.</param>
    /// <param name="address">The faulting address.</param>
    /// <param name="writeAccess">Nonzero for a write.</param>
    /// <param name="pageTable">The empty pte.</param>
    [Linux("mm/memory.c", "do_no_page")]
    private int DoNoPage(MmStruct mm, VmAreaStruct vma, uint address, int writeAccess, PtePtr pageTable)
    {
        IArchitecture arch = _kernel.Arch;
        if (vma.VmOps?.Nopage is not { } nopage)
            return DoAnonymousPage(mm, vma, pageTable, writeAccess, address);
        mm.PageTableLock.Unlock();

        NopageResult result = nopage(vma, address & PageConstants.PageMask, 0);
        if (result.IsOom)
            return -1;
        if (result.Page is not { } newPage)
            return 0;

        // #region early-cow
        // A write to a private mapping would fault again at once to copy: copy now.
        if (writeAccess != 0 && (vma.VmFlags & VmFlags.Shared) == 0)
        {
            Page? page = _kernel.PageAlloc.AllocPage(Gfp.HighUser);
            if (page == null)
            {
                _kernel.PageAlloc.FreePage(newPage);
                return -1;
            }
            CopyUserHighpage(page, newPage, address);
            _kernel.PageAlloc.FreePage(newPage);
            _kernel.Swap.LruCacheAdd(page);
            newPage = page;
        }
        // #endregion

        mm.PageTableLock.Lock();
        Pte entry;
        if (arch.ReadPte(pageTable).None)
        {
            ++mm.Rss;
            arch.FlushPageToRam(newPage);
            arch.FlushIcachePage(newPage);
            entry = arch.MkPte(newPage, vma.VmPageProt);
            // Dirty at once: a write has its own copy now, or the mapping is shared.
            if (writeAccess != 0)
                entry = entry.MkDirty().MkWrite();
            arch.SetPte(pageTable, entry);
        }
        else
        {
            // Another thread got there first.
            _kernel.PageAlloc.FreePage(newPage);
            mm.PageTableLock.Unlock();
            return 1;
        }

        arch.UpdateMmuCache(address, entry);
        mm.PageTableLock.Unlock();
        return 2;
    }

    /// <summary>
    /// Decides what kind of fault the pte shows: not present and never used (do_no_page), not
    /// present with a swap entry (do_swap_page), a write to a read-only pte (do_wp_page), or a
    /// present pte that only needs its accessed/dirty bits set. Entered with page_table_lock held,
    /// returns with it released.
    /// </summary>
    /// <param name="mm">The address space.</param>
    /// <param name="vma">The region.</param>
    /// <param name="address">The faulting address.</param>
    /// <param name="writeAccess">Nonzero for a write.</param>
    /// <param name="pte">The pte for the address.</param>
    [Linux("mm/memory.c", "handle_pte_fault")]
    private int HandlePteFault(MmStruct mm, VmAreaStruct vma, uint address, int writeAccess, PtePtr pte)
    {
        Pte entry = _kernel.Arch.ReadPte(pte);
        if (!entry.Present)
        {
            if (entry.None)
                return DoNoPage(mm, vma, address, writeAccess, pte);
            return DoSwapPage(mm, vma, address, pte, entry, writeAccess);
        }

        if (writeAccess != 0)
        {
            if (!entry.Write)
                return DoWpPage(mm, vma, address, pte, entry);
            entry = entry.MkDirty();
        }
        entry = entry.MkYoung();
        EstablishPte(vma, address, pte, entry);
        mm.PageTableLock.Unlock();
        return 1;
    }

    /// <summary>
    /// Resolves a fault at <paramref name="address"/> in <paramref name="vma"/>, whose permissions
    /// the caller has checked: finds or builds the page tables down to the pte, then lets
    /// handle_pte_fault act. Returns 1 (minor), 2 (major), 0 (SIGBUS) or -1 (out of memory).
    /// </summary>
    /// <param name="mm">The address space; its mmap_sem is held.</param>
    /// <param name="vma">The region containing the address.</param>
    /// <param name="address">The faulting address.</param>
    /// <param name="writeAccess">Nonzero for a write.</param>
    [Linux("mm/memory.c", "handle_mm_fault")]
    public int HandleMmFault(MmStruct mm, VmAreaStruct vma, uint address, int writeAccess)
    {
        IArchitecture arch = _kernel.Arch;
        _kernel.Current.State = Sched.TaskRunning;
        PgdPtr pgd = arch.PgdOffset(mm, address);

        mm.PageTableLock.Lock();
        PmdPtr pmd = PmdAlloc(mm, pgd, address);
        if (!pmd.IsNull)
        {
            PtePtr pte = PteAlloc(mm, pmd, address);
            if (!pte.IsNull)
                return HandlePteFault(mm, vma, address, writeAccess, pte);
        }
        mm.PageTableLock.Unlock();
        return -1;
    }

    /// <summary>
    /// Faults in every page of [addr, end) of the current process, which must lie in one region
    /// (mlock, and a VM_LOCKED stack growing). Returns 0, or -1 if some page could not be.
    /// </summary>
    /// <param name="addr">First address.</param>
    /// <param name="end">End of the range.</param>
    [Linux("mm/memory.c", "make_pages_present")]
    public int MakePagesPresent(uint addr, uint end)
    {
        TaskStruct current = _kernel.Current;
        VmAreaStruct vma = _kernel.Mmap.FindVma(current.Mm, addr)!;
        int write = (vma.VmFlags & VmFlags.Write) != 0 ? 1 : 0;
        KernelPanicException.BugOn(addr >= end, "addr >= end", "make_pages_present");
        KernelPanicException.BugOn(end > vma.VmEnd, "end > vma->vm_end", "make_pages_present");
        int len = (int)((end + PageConstants.PageSize - 1) / PageConstants.PageSize - addr / PageConstants.PageSize);
        int ret = GetUserPages(current, current.Mm!, addr, len, write, 0, null, null);
        return ret == len ? 0 : -1;
    }

    /// <summary>The page mapped at a vmalloc address, found by walking the kernel's page tables; null if none.</summary>
    /// <param name="vmallocAddr">An address in the vmalloc area.</param>
    [Linux("mm/memory.c", "vmalloc_to_page")]
    public Page? VmallocToPage(uint vmallocAddr)
    {
        IArchitecture arch = _kernel.Arch;
        Page? page = null;
        PgdPtr pgd = arch.PgdOffsetK(vmallocAddr);
        if (!arch.ReadPgd(pgd).None)
        {
            PmdPtr pmd = arch.PmdOffset(pgd, vmallocAddr);
            if (!arch.ReadPmd(pmd).None)
            {
                PtePtr pte = arch.PteOffset(pmd, vmallocAddr);
                Pte entry = arch.ReadPte(pte);
                if (entry.Present)
                    page = arch.PtePage(entry);
            }
        }
        return page;
    }
}
