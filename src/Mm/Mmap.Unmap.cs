using LinuxVm.Mm.Include;
using LinuxVm.Mm.KernelModel;
using LinuxVm.Mm.Lib;
using static LinuxVm.Mm.Include.PageConstants;

namespace LinuxVm.Mm;

// mm/mmap.c, second half: removing ranges (unmap_fixup, free_pgtables, do_munmap), brk's simple
// mmap, rebuilding the tree, tearing a whole address space down, and inserting a prepared region.
public sealed partial class Mmap
{
    /// <summary>
    /// Fixes up a region after [addr, addr + len) of it was unmapped: frees it when all of it went,
    /// shrinks it from one end, or splits it around a hole, using <paramref name="extra"/> for the
    /// upper piece. The region was already off the list and the tree and is put back here. Returns
    /// <paramref name="extra"/> if it was not used, else null.
    /// </summary>
    /// <remarks>Port note: <paramref name="detached"/> (regions do_munmap has still to release) is
    /// passed on for the port's DEBUG_MM_RB check; see <see cref="InsertVmStructCore"/>.</remarks>
    [Linux("mm/mmap.c", "unmap_fixup")]
    private VmAreaStruct? UnmapFixup(MmStruct mm, VmAreaStruct area, uint addr, uint len, VmAreaStruct? extra, int detached)
    {
        uint end = addr + len;

        area.VmMm.TotalVm -= len >> PageShift;
        if ((area.VmFlags & VmFlags.Locked) != 0)
            area.VmMm.LockedVm -= len >> PageShift;

        // #region whole
        if (addr == area.VmStart && end == area.VmEnd)
        {
            area.VmOps?.Close?.Invoke(area);
            if (area.VmFile != null)
                _kernel.FileTable.Fput(area.VmFile);
            _kernel.Fork.VmAreaFree(area);
            return extra;
        }
        // #endregion

        // #region shrink-or-split
        if (end == area.VmEnd)
        {
            // Nobody can see the region now (it is off the list), so it changes without the lock.
            area.VmEnd = addr;
            LockVmaMappings(area);
            mm.PageTableLock.Lock();
        }
        else if (addr == area.VmStart)
        {
            area.VmPgoff += (end - area.VmStart) >> PageShift;
            area.VmStart = end;
            LockVmaMappings(area);
            mm.PageTableLock.Lock();
        }
        else
        {
            // A hole: area keeps the lower piece, extra becomes the upper one.
            VmAreaStruct mpnt = extra!;
            extra = null;

            mpnt.VmMm = area.VmMm;
            mpnt.VmStart = end;
            mpnt.VmEnd = area.VmEnd;
            mpnt.VmPageProt = area.VmPageProt;
            mpnt.VmFlags = area.VmFlags;
            mpnt.VmOps = area.VmOps;
            mpnt.VmPgoff = area.VmPgoff + ((end - area.VmStart) >> PageShift);
            mpnt.VmFile = area.VmFile;
            mpnt.VmPrivateData = area.VmPrivateData;
            mpnt.VmFile?.GetFile();
            mpnt.VmOps?.Open?.Invoke(mpnt);
            area.VmEnd = addr;

            LockVmaMappings(area);
            mm.PageTableLock.Lock();
            InsertVmStructCore(mm, mpnt, detached);
        }

        InsertVmStructCore(mm, area, detached);
        mm.PageTableLock.Unlock();
        UnlockVmaMappings(area);
        return extra;
        // #endregion
    }

    /// <summary>
    /// After [start, end) was unmapped, frees the page tables that now cover no region at all:
    /// only whole pgd entries (4 MiB, or 1 GiB with PAE) that lie between the regions left on
    /// either side. <paramref name="prev"/> is some region below the hole, or null.
    /// </summary>
    [Linux("mm/mmap.c", "free_pgtables")]
    private void FreePgtables(MmStruct mm, VmAreaStruct? prev, uint start, uint end)
    {
        Arch.IArchitecture arch = _kernel.Arch;
        uint first = start & arch.PgdirMask;
        uint last = end + arch.PgdirSize - 1;

        if (prev == null)
        {
            prev = mm.Mmap;
            if (prev == null)
                goto no_mmaps;
            if (prev.VmEnd > start)
            {
                if (last > prev.VmStart)
                    last = prev.VmStart;
                goto no_mmaps;
            }
        }
        // #region neighbours
        for (; ; )
        {
            VmAreaStruct? next = prev.VmNext;
            if (next != null)
            {
                if (next.VmStart < start)
                {
                    prev = next;
                    continue;
                }
                if (last > next.VmStart)
                    last = next.VmStart;
            }
            if (prev.VmEnd > first)
                first = prev.VmEnd + arch.PgdirSize - 1;
            break;
        }
        // #endregion
    no_mmaps:
        // pgd_index of each end, not a shift of the difference: the index bits need not be
        // contiguous on every architecture.
        int startIndex = arch.PgdIndex(first);
        int endIndex = arch.PgdIndex(last);
        if (endIndex > startIndex)
        {
            _kernel.Memory.ClearPageTables(mm, (uint)startIndex, endIndex - startIndex);
            arch.FlushTlbPgtables(mm, first & arch.PgdirMask, last & arch.PgdirMask);
        }
    }

    /// <summary>
    /// Unmaps [addr, addr + len) of <paramref name="mm"/>: every region overlapping it is taken off
    /// the list and tree, its pages in the range are unmapped, and what is left of it is put back
    /// (shrunk, or split in two around a hole); then page tables left covering nothing are freed.
    /// Returns 0 (also when nothing was mapped there), -EINVAL for a bad range, -ENOMEM when a split
    /// would pass max_map_count.
    /// </summary>
    /// <param name="mm">The address space; the caller holds its mmap_sem for writing.</param>
    /// <param name="addr">Start, page aligned.</param>
    /// <param name="len">Length in bytes, rounded up to pages.</param>
    [Linux("mm/mmap.c", "do_munmap")]
    public int DoMunmap(MmStruct mm, uint addr, uint len)
    {
        uint taskSize = _kernel.Arch.TaskSize;
        if ((addr & ~PageMask) != 0 || addr > taskSize || len > taskSize - addr)
            return -Errno.Einval;

        if ((len = PageAlign(len)) == 0)
            return -Errno.Einval;

        // Every region that overlaps the range in any way goes on a private list.
        VmAreaStruct? mpnt = FindVmaPrev(mm, addr, out VmAreaStruct? prev);
        if (mpnt == null)
            return 0;
        // Here addr < mpnt.VmEnd.
        if (mpnt.VmStart >= addr + len)
            return 0;

        // Punching a hole makes one region two.
        if (mpnt.VmStart < addr && mpnt.VmEnd > addr + len && mm.MapCount >= MaxMapCount)
            return -Errno.Enomem;

        // The spare region for a split, taken now: after this point nothing may fail.
        VmAreaStruct? extra = _kernel.Fork.VmAreaAlloc(SlabFlags.Kernel);
        if (extra == null)
            return -Errno.Enomem;

        // #region detach
        VmAreaStruct? free = null;
        int detached = 0;
        mm.PageTableLock.Lock();
        for (; mpnt != null && mpnt.VmStart < addr + len; mpnt = prev != null ? prev.VmNext : mm.Mmap)
        {
            detached++;
            // *npp = mpnt->vm_next, with npp = prev ? &prev->vm_next : &mm->mmap
            if (prev != null)
                prev.VmNext = mpnt.VmNext;
            else
                mm.Mmap = mpnt.VmNext;
            mpnt.VmNext = free;
            free = mpnt;
            Rbtree.Erase(mpnt.VmRb, mm.MmRb);
        }
        mm.MmapCache = null;
        mm.PageTableLock.Unlock();
        // #endregion

        // #region release
        while ((mpnt = free) != null)
        {
            free = mpnt.VmNext;
            detached--;

            uint st = addr < mpnt.VmStart ? mpnt.VmStart : addr;
            uint end = addr + len;
            end = end > mpnt.VmEnd ? mpnt.VmEnd : end;
            uint size = end - st;
            Fs.File? file = null;

            // A VM_DENYWRITE region cut in part keeps denying: the piece put back withholds write
            // access again, so the count must not drop to zero in between.
            if ((mpnt.VmFlags & VmFlags.DenyWrite) != 0 &&
                (st != mpnt.VmStart || end != mpnt.VmEnd) &&
                (file = mpnt.VmFile) != null)
                file.FDentry!.DInode!.IWritecount--;
            RemoveSharedVmStruct(mpnt);
            mm.MapCount--;

            _kernel.Memory.ZapPageRange(mm, st, size);

            extra = UnmapFixup(mm, mpnt, st, size, extra, detached);
            if (file != null)
                file.FDentry!.DInode!.IWritecount++;
        }
        // #endregion
        ValidateMm(mm);

        // The spare goes back to the cache if no split used it.
        if (extra != null)
            _kernel.Fork.VmAreaFree(extra);

        FreePgtables(mm, prev, addr, addr + len);
        return 0;
    }

    /// <summary>The munmap system call of the current process.</summary>
    /// <param name="addr">Start, page aligned.</param>
    /// <param name="len">Length in bytes.</param>
    [Linux("mm/mmap.c", "sys_munmap")]
    public int SysMunmap(uint addr, uint len)
    {
        MmStruct mm = _kernel.Current.Mm!;
        mm.MmapSem.DownWrite();
        int ret = DoMunmap(mm, addr, len);
        mm.MmapSem.UpWrite();
        return ret;
    }

    /// <summary>
    /// A cut-down do_mmap for brk (and exec's bss): maps [addr, addr + len) anonymous, private,
    /// readable, writable and executable, merging with the region below when it can. Returns
    /// <paramref name="addr"/> or a negated errno.
    /// </summary>
    /// <param name="addr">Start, page aligned.</param>
    /// <param name="len">Length in bytes, rounded up to pages.</param>
    [Linux("mm/mmap.c", "do_brk")]
    public uint DoBrk(uint addr, uint len)
    {
        TaskStruct current = _kernel.Current;
        MmStruct mm = current.Mm!;

        len = PageAlign(len);
        if (len == 0)
            return addr;

        if ((mm.DefFlags & VmFlags.Locked) != 0)
        {
            uint locked = mm.LockedVm << PageShift;
            locked += len;
            if (locked > current.Rlim[Resource.RlimitMemlock].RlimCur)
                return Err(-Errno.Eagain);
        }

        VmAreaStruct? vma, prev;
        RbLink rbLink;
        RbNode? rbParent;
    munmap_back:
        vma = FindVmaPrepare(mm, addr, out prev, out rbLink, out rbParent);
        if (vma != null && vma.VmStart < addr + len)
        {
            if (DoMunmap(mm, addr, len) != 0)
                return Err(-Errno.Enomem);
            goto munmap_back;
        }

        // The limit is checked only now, after the old mappings are gone.
        if ((ulong)(mm.TotalVm << PageShift) + len > current.Rlim[Resource.RlimitAs].RlimCur)
            return Err(-Errno.Enomem);

        if (mm.MapCount > MaxMapCount)
            return Err(-Errno.Enomem);

        if (!VmEnoughMemory(len >> PageShift))
            return Err(-Errno.Enomem);

        uint flags = VmDataDefaultFlags | mm.DefFlags;

        if (rbParent != null && VmaMerge(mm, prev, rbParent, addr, addr + len, flags) != 0)
            goto @out;

        vma = _kernel.Fork.VmAreaAlloc(SlabFlags.Kernel);
        if (vma == null)
            return Err(-Errno.Enomem);

        vma.VmMm = mm;
        vma.VmStart = addr;
        vma.VmEnd = addr + len;
        vma.VmFlags = flags;
        vma.VmPageProt = ProtectionMap[flags & 0x0f];
        vma.VmOps = null;
        vma.VmPgoff = 0;
        vma.VmFile = null;
        vma.VmPrivateData = null;

        VmaLink(mm, vma, prev, rbLink, rbParent);

    @out:
        mm.TotalVm += len >> PageShift;
        if ((flags & VmFlags.Locked) != 0)
        {
            mm.LockedVm += len >> PageShift;
            _kernel.Memory.MakePagesPresent(addr, addr + len);
        }
        return addr;
    }

    /// <summary>
    /// Builds the tree from the sorted list (fork copies only the list). Each region goes in as the
    /// right child of the previous one, and the rebalancing keeps the tree shallow.
    /// </summary>
    /// <param name="mm">The address space.</param>
    [Linux("mm/mmap.c", "build_mmap_rb")]
    public void BuildMmapRb(MmStruct mm)
    {
        mm.MmRb.RbNode = null;
        RbLink rbLink = RbLink.Root;
        RbNode? rbParent = null;
        for (VmAreaStruct? vma = mm.Mmap; vma != null; vma = vma.VmNext)
        {
            VmaLinkRb(mm, vma, rbLink, rbParent);
            rbParent = vma.VmRb;
            rbLink = RbLink.RightOf(rbParent);
        }
    }

    /// <summary>
    /// Tears down the whole address space when its last user is gone: every region's pages are
    /// unmapped and the region freed, then all user page tables.
    /// </summary>
    /// <param name="mm">The address space.</param>
    [Linux("mm/mmap.c", "exit_mmap")]
    public void ExitMmap(MmStruct mm)
    {
        // Port note: release_segments (LDT entries, arch/i386/kernel/ldt.c) is outside the model.
        mm.PageTableLock.Lock();
        VmAreaStruct? mpnt = mm.Mmap;
        mm.Mmap = mm.MmapCache = null;
        mm.MmRb.RbNode = null;
        mm.Rss = 0;
        mm.PageTableLock.Unlock();
        mm.TotalVm = 0;
        mm.LockedVm = 0;

        _kernel.Arch.FlushCacheMm(mm);
        while (mpnt != null)
        {
            VmAreaStruct? next = mpnt.VmNext;
            uint start = mpnt.VmStart;
            uint end = mpnt.VmEnd;
            uint size = end - start;

            mpnt.VmOps?.Close?.Invoke(mpnt);
            mm.MapCount--;
            RemoveSharedVmStruct(mpnt);
            _kernel.Memory.ZapPageRange(mm, start, size);
            if (mpnt.VmFile != null)
                _kernel.FileTable.Fput(mpnt.VmFile);
            _kernel.Fork.VmAreaFree(mpnt);
            mpnt = next;
        }

        KernelPanicException.BugOn(mm.MapCount != 0, "mm->map_count", "exit_mmap");

        // Port note: an address space of a kernel that was never booted has no page directory
        // (see mm_init), so there are no page tables to free.
        if (mm.Pgd != 0)
            _kernel.Memory.ClearPageTables(mm, (uint)_kernel.Arch.FirstUserPgdNr, _kernel.Arch.UserPtrsPerPgd);

        _kernel.Arch.FlushTlbMm(mm);
    }

    /// <summary>
    /// Links a prepared region into the list and tree (and its file's share list); the caller holds
    /// the page-table lock (and the file's i_shared_lock). Panics if it overlaps a region.
    /// </summary>
    /// <param name="mm">The address space.</param>
    /// <param name="vma">The region, filled in.</param>
    /// <param name="detached">Port only: regions do_munmap has taken off the list and tree but not
    /// yet released, which map_count still counts (0 for every other caller).</param>
    /// <remarks>Unlike do_mmap, this neither merges nor changes total_vm: the caller accounts.
    /// Port note: 2.4's validate_mm here, with DEBUG_MM_RB, compares map_count with the list
    /// while do_munmap still has regions on its private list, and so BUG()s whenever one munmap
    /// reaches two or more regions and leaves part of the highest (it is released, and linked
    /// back, first). The port tells its check how many regions are still out, so that DebugMmRb
    /// holds in the middle of do_munmap too.</remarks>
    [Linux("mm/mmap.c", "__insert_vm_struct")]
    public void InsertVmStructCore(MmStruct mm, VmAreaStruct vma, int detached = 0)
    {
        VmAreaStruct? vmaFound = FindVmaPrepare(mm, vma.VmStart, out VmAreaStruct? prev, out RbLink rbLink, out RbNode? rbParent);
        if (vmaFound != null && vmaFound.VmStart < vma.VmEnd)
            throw new KernelPanicException("new region overlaps an existing one", "__insert_vm_struct");
        RefuseEmptyAtStart(vmaFound, vma, "__insert_vm_struct");
        VmaLinkCore(mm, vma, prev, rbLink, rbParent);
        mm.MapCount++;
        ValidateMm(mm, detached);
    }

    // Port note: an empty region (vm_start == vm_end, which only 2.4.20's do_mremap makes, given a
    // new length of 0 with MREMAP_FIXED) that starts where an existing region starts passes the
    // overlap test above. But find_vma_prepare stopped at that region and returned without setting
    // prev or the tree link, and 2.4 goes on to link through those uninitialised pointers: its
    // outcome is undefined. The port stops with a BUG there instead of guessing, so the list and
    // the tree it stops on are still sound.
    private static void RefuseEmptyAtStart(VmAreaStruct? vmaFound, VmAreaStruct vma, string where) =>
        KernelPanicException.BugOn(vmaFound != null && vmaFound.VmStart <= vma.VmStart,
            "empty region at the start of an existing one: find_vma_prepare set no link", where);

    /// <summary>
    /// <see cref="InsertVmStructCore"/> taking the locks itself. Panics if the region overlaps one.
    /// </summary>
    /// <param name="mm">The address space.</param>
    /// <param name="vma">The region, filled in (<see cref="VmAreaStruct.VmMm"/> set).</param>
    /// <remarks>Like the kernel's, this neither merges nor changes total_vm: the caller accounts.</remarks>
    [Linux("mm/mmap.c", "insert_vm_struct")]
    public void InsertVmStruct(MmStruct mm, VmAreaStruct vma)
    {
        VmAreaStruct? vmaFound = FindVmaPrepare(mm, vma.VmStart, out VmAreaStruct? prev, out RbLink rbLink, out RbNode? rbParent);
        if (vmaFound != null && vmaFound.VmStart < vma.VmEnd)
            throw new KernelPanicException("new region overlaps an existing one", "insert_vm_struct");
        RefuseEmptyAtStart(vmaFound, vma, "insert_vm_struct");
        VmaLink(mm, vma, prev, rbLink, rbParent);
        ValidateMm(mm);
    }
}
