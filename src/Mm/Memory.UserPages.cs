using LinuxVm.Mm.Arch;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.KernelModel;

namespace LinuxVm.Mm;

// mm/memory.c: finding (and faulting in) the pages behind a range of user addresses, for the
// kernel's own use: ptrace's access_process_vm, mlock's make_pages_present, raw I/O's kiobufs.
public sealed partial class Memory
{
    /// <summary>
    /// Looks up the page mapped at <paramref name="address"/> without faulting: null when nothing is
    /// mapped, or when <paramref name="write"/> is set and the mapping is not both writable and
    /// dirty (a write fault must run first, to break copy-on-write or mark the page dirty).
    /// </summary>
    /// <param name="mm">The address space; its page_table_lock is held.</param>
    /// <param name="address">A user address.</param>
    /// <param name="write">Nonzero when the caller will write to the page.</param>
    [Linux("mm/memory.c", "follow_page")]
    public Page? FollowPage(MmStruct mm, uint address, int write)
    {
        IArchitecture arch = _kernel.Arch;
        PgdPtr pgd = arch.PgdOffset(mm, address);
        Pgd pgdval = arch.ReadPgd(pgd);
        if (pgdval.None || pgdval.Bad)
            return null;

        PmdPtr pmd = arch.PmdOffset(pgd, address);
        Pmd pmdval = arch.ReadPmd(pmd);
        if (pmdval.None || pmdval.Bad)
            return null;

        PtePtr ptep = arch.PteOffset(pmd, address);
        if (ptep.IsNull)
            return null;

        Pte pte = arch.ReadPte(ptep);
        if (pte.Present && (write == 0 || (pte.Write && pte.Dirty)))
        {
            // Port note: a frame outside mem_map (remapped device memory) has no descriptor; C's
            // pte_page still yields a pointer past mem_map, which get_page_map then rejects. A
            // detached descriptor with that frame number plays the part of that pointer.
            return PteMapsValidPage(pte) ? arch.PtePage(pte) : new Page((int)pte.Pfn);
        }
        return null;
    }

    /// <summary>The page descriptor for a mapped page, or null if the frame has none (device memory outside mem_map).</summary>
    /// <param name="page">The page follow_page found.</param>
    [Linux("mm/memory.c", "get_page_map")]
    private Page? GetPageMap(Page page) => (uint)page.MapNr < MaxMapnr ? page : null;

    /// <summary>
    /// Faults in <paramref name="len"/> pages of <paramref name="mm"/> from <paramref name="start"/>
    /// (for writing when <paramref name="write"/> is set) and optionally pins them: each page put
    /// in <paramref name="pages"/> has an extra reference the caller must drop. Returns the number
    /// of pages done, or -EFAULT / -ENOMEM if not even the first could be.
    /// </summary>
    /// <param name="tsk">The task whose fault counters are charged.</param>
    /// <param name="mm">The address space; its mmap_sem is held for reading.</param>
    /// <param name="start">First user address.</param>
    /// <param name="len">Number of pages.</param>
    /// <param name="write">Nonzero to fault the pages in writable.</param>
    /// <param name="force">Nonzero to need only VM_MAYREAD / VM_MAYWRITE (ptrace poking at read-only text).</param>
    /// <param name="pages">Receives the pages, or null.</param>
    /// <param name="vmas">Receives each page's region, or null.</param>
    [Linux("mm/memory.c", "get_user_pages")]
    public int GetUserPages(TaskStruct tsk, MmStruct mm, uint start, int len, int write, int force,
        Page?[]? pages, VmAreaStruct?[]? vmas)
    {
        // Read or write permission is needed; with force, the permission mprotect could grant will do.
        uint flags = write != 0 ? (VmFlags.Write | VmFlags.MayWrite) : (VmFlags.Read | VmFlags.MayRead);
        flags &= force != 0 ? (VmFlags.MayRead | VmFlags.MayWrite) : (VmFlags.Read | VmFlags.Write);
        int i = 0;

        do
        {
            VmAreaStruct? vma = _kernel.Mmap.FindExtendVma(mm, start);

            if (vma == null || (pages != null && (vma.VmFlags & VmFlags.Io) != 0) || (flags & vma.VmFlags) == 0)
                return i != 0 ? i : -Errno.Efault;

            mm.PageTableLock.Lock();
            do
            {
                Page? map;
                while ((map = FollowPage(mm, start, write)) == null)
                {
                    mm.PageTableLock.Unlock();
                    switch (HandleMmFault(mm, vma, start, write))
                    {
                        case 1:
                            tsk.MinFlt++;
                            break;
                        case 2:
                            tsk.MajFlt++;
                            break;
                        case 0:
                            return i != 0 ? i : -Errno.Efault;
                        default:
                            return i != 0 ? i : -Errno.Enomem;
                    }
                    mm.PageTableLock.Lock();
                }
                if (pages != null)
                {
                    pages[i] = GetPageMap(map);
                    if (pages[i] == null)
                    {
                        // A page without a descriptor: give back what was pinned and fail.
                        mm.PageTableLock.Unlock();
                        while (i-- > 0)
                            _kernel.PageAlloc.FreePage(pages[i]!);
                        return -Errno.Efault;
                    }
                    PageFlags.GetPage(pages[i]!); // page_cache_get
                }
                if (vmas != null)
                    vmas[i] = vma;
                i++;
                start += PageConstants.PageSize;
                len--;
            } while (len != 0 && start < vma.VmEnd);
            mm.PageTableLock.Unlock();
        } while (len != 0);
        return i;
    }

    /// <summary>
    /// Pins the user buffer [<paramref name="va"/>, <paramref name="va"/> + <paramref name="len"/>)
    /// of the current task into <paramref name="iobuf"/> for raw I/O, faulting pages in as needed
    /// (writable when the I/O will write into memory). Returns 0 or a negative errno.
    /// </summary>
    /// <param name="rw">READ (0: the device is read, memory written) or WRITE (1).</param>
    /// <param name="iobuf">An unmapped kiobuf.</param>
    /// <param name="va">User address of the buffer.</param>
    /// <param name="len">Bytes, more than 0.</param>
    [Linux("mm/memory.c", "map_user_kiobuf")]
    public int MapUserKiobuf(int rw, Kiobuf iobuf, uint va, uint len)
    {
        if (iobuf.NrPages != 0)
            return -Errno.Einval;

        MmStruct mm = _kernel.Current.Mm!;
        int pgcount = (int)((va + len + PageConstants.PageSize - 1) / PageConstants.PageSize - va / PageConstants.PageSize);
        KernelPanicException.BugOn(pgcount == 0, "!pgcount", "map_user_kiobuf");
        int err = iobuf.ExpandKiobuf(pgcount);
        if (err != 0)
            return err;

        iobuf.Locked = false;
        iobuf.Offset = (int)(va & (PageConstants.PageSize - 1));
        iobuf.Length = (int)len;

        mm.MmapSem.DownRead();
        // READ from the device means writing into these pages.
        err = GetUserPages(_kernel.Current, mm, va, pgcount, rw == 0 ? 1 : 0, 0, iobuf.Maplist, null);
        mm.MmapSem.UpRead();
        if (err < 0)
        {
            UnmapKiobuf(iobuf);
            return err;
        }
        iobuf.NrPages = err;
        while (pgcount-- > 0)
        {
            // Past a short get_user_pages the slots are empty; i386's flush ignores the page anyway.
            if (iobuf.Maplist[pgcount] is { } p)
                _kernel.Arch.FlushDcachePage(p);
        }
        return 0;
    }

    /// <summary>Marks dirty the pages of <paramref name="iobuf"/> that the first <paramref name="bytes"/> bytes of a read landed in.</summary>
    /// <param name="iobuf">A mapped kiobuf.</param>
    /// <param name="bytes">Bytes transferred (a short read dirties fewer pages).</param>
    [Linux("mm/memory.c", "mark_dirty_kiobuf")]
    public void MarkDirtyKiobuf(Kiobuf iobuf, int bytes)
    {
        int index = iobuf.Offset >> PageConstants.PageShift;
        int offset = iobuf.Offset & (int)~PageConstants.PageMask;
        int remaining = bytes;
        if (remaining > iobuf.Length)
            remaining = iobuf.Length;

        while (remaining > 0 && index < iobuf.NrPages)
        {
            Page page = iobuf.Maplist[index]!;
            if (!PageFlags.PageReserved(page))
                _kernel.Filemap.SetPageDirty(page);
            remaining -= (int)PageConstants.PageSize - offset;
            offset = 0;
            index++;
        }
    }

    /// <summary>Releases the pages of <paramref name="iobuf"/>, unlocking them first if they were locked.</summary>
    /// <param name="iobuf">The kiobuf.</param>
    [Linux("mm/memory.c", "unmap_kiobuf")]
    public void UnmapKiobuf(Kiobuf iobuf)
    {
        for (int i = 0; i < iobuf.NrPages; i++)
        {
            Page? map = iobuf.Maplist[i];
            if (map != null)
            {
                if (iobuf.Locked)
                    UnlockPage(map);
                _kernel.PageAlloc.FreePage(map); // page_cache_release
            }
        }
        iobuf.NrPages = 0;
        iobuf.Locked = false;
    }

    /// <summary>
    /// Locks every page of every kiobuf in <paramref name="iovec"/> for I/O. A page already locked
    /// undoes the round; without <paramref name="wait"/> that is -EAGAIN, with it the round is
    /// retried (up to 16 times), and a page that turns out to be locked by this very call (mapped
    /// twice in the buffers) three times running is -EINVAL.
    /// </summary>
    /// <param name="nr">Number of kiobufs.</param>
    /// <param name="iovec">The kiobufs.</param>
    /// <param name="wait">Nonzero to wait for locked pages.</param>
    [Linux("mm/memory.c", "lock_kiovec")]
    public int LockKiovec(int nr, Kiobuf[] iovec, int wait)
    {
        int doublepage = 0;
        int repeat = 0;
        Page? page = null;

    repeat:
        for (int i = 0; i < nr; i++)
        {
            Kiobuf iobuf = iovec[i];
            if (iobuf.Locked)
                continue;

            for (int j = 0; j < iobuf.NrPages; j++)
            {
                page = iobuf.Maplist[j];
                if (page == null)
                    continue;
                if (TryLockPage(page))
                {
                    // Already locked: release the ones this kiobuf got so far and start over.
                    while (j-- > 0)
                        if (iobuf.Maplist[j] is { } tmp)
                            UnlockPage(tmp);
                    goto retry;
                }
            }
            iobuf.Locked = true;
        }
        return 0;

    retry:
        UnlockKiovec(nr, iovec);
        if (wait == 0)
            return -Errno.Eagain;

        // If releasing our own locks freed the page, it is probably mapped twice in the buffers.
        if (!PageFlags.PageLocked(page!))
        {
            if (++doublepage >= 3)
                return -Errno.Einval;
            _kernel.Filemap.WaitOnPage(page!);
        }
        // A page someone else holds is not waited for: the loop just tries again, 16 times at most.
        if (++repeat < 16)
            goto repeat;
        return -Errno.Eagain;
    }

    /// <summary>Unlocks the pages of every locked kiobuf in <paramref name="iovec"/>; returns 0.</summary>
    /// <param name="nr">Number of kiobufs.</param>
    /// <param name="iovec">The kiobufs.</param>
    [Linux("mm/memory.c", "unlock_kiovec")]
    public int UnlockKiovec(int nr, Kiobuf[] iovec)
    {
        for (int i = 0; i < nr; i++)
        {
            Kiobuf iobuf = iovec[i];
            if (!iobuf.Locked)
                continue;
            iobuf.Locked = false;
            for (int j = 0; j < iobuf.NrPages; j++)
                if (iobuf.Maplist[j] is { } page)
                    UnlockPage(page);
        }
        return 0;
    }

    /// <summary>Takes PG_locked; returns true if it was already set (include/linux/mm.h TryLockPage).</summary>
    /// <param name="page">The page.</param>
    [Linux("include/linux/mm.h", "TryLockPage")]
    public static bool TryLockPage(Page page) => PageFlags.TestAndSet(page, PageFlags.Locked);

    /// <summary>Unlocks a locked page (include/linux/mm.h UnlockPage: mm/filemap.c's <see cref="Filemap.UnlockPage"/>).</summary>
    /// <param name="page">A locked page.</param>
    public void UnlockPage(Page page) => _kernel.Filemap.UnlockPage(page);
}
