using LinuxVm.Mm.Arch;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.KernelModel;
using static LinuxVm.Mm.Include.PageConstants;

namespace LinuxVm.Mm;

/// <summary>
/// The port of mm/mremap.c: the mremap system call. A mapping shrinks by unmapping its tail, grows
/// in place when the addresses after it are free, and otherwise (if the caller allows) moves: a new
/// region is made elsewhere, the ptes are moved one page at a time, and the old range is unmapped.
/// </summary>
public sealed class Mremap
{
    private readonly Kernel _kernel;

    /// <summary>Creates this file's state for <paramref name="kernel"/>.</summary>
    /// <param name="kernel">The kernel that owns it.</param>
    public Mremap(Kernel kernel) => _kernel = kernel;

    private Mmap Mmap => _kernel.Mmap;

    // The pte mapping addr if the page tables reach it and it is not empty; null otherwise.
    [Linux("mm/mremap.c", "get_one_pte")]
    private PtePtr? GetOnePte(MmStruct mm, uint addr)
    {
        IArchitecture arch = _kernel.Arch;
        PgdPtr pgd = arch.PgdOffset(mm, addr);
        Pgd pgdval = arch.ReadPgd(pgd);
        if (pgdval.None)
            return null;
        if (pgdval.Bad)
        {
            _kernel.Printk($"mm/mremap.c: bad pgd {pgdval}.");
            arch.PgdClear(pgd);
            return null;
        }

        PmdPtr pmd = arch.PmdOffset(pgd, addr);
        Pmd pmdval = arch.ReadPmd(pmd);
        if (pmdval.None)
            return null;
        if (pmdval.Bad)
        {
            _kernel.Printk($"mm/mremap.c: bad pmd {pmdval}.");
            arch.PmdClear(pmd);
            return null;
        }

        PtePtr pte = arch.PteOffset(pmd, addr);
        if (arch.ReadPte(pte).None)
            return null;
        return pte;
    }

    // The pte slot for addr, allocating the page tables on the way; null when out of memory.
    [Linux("mm/mremap.c", "alloc_one_pte")]
    private PtePtr? AllocOnePte(MmStruct mm, uint addr)
    {
        PmdPtr pmd = _kernel.Memory.PmdAlloc(mm, _kernel.Arch.PgdOffset(mm, addr), addr);
        if (pmd.IsNull)
            return null;
        PtePtr pte = _kernel.Memory.PteAlloc(mm, pmd, addr);
        return pte.IsNull ? null : pte;
    }

    // Moves the entry at src to dst; with no dst (no memory for a page table) it puts the entry
    // back and returns 1.
    [Linux("mm/mremap.c", "copy_one_pte")]
    private int CopyOnePte(MmStruct mm, PtePtr src, PtePtr? dst)
    {
        IArchitecture arch = _kernel.Arch;
        int error = 0;
        if (!arch.ReadPte(src).None)
        {
            Pte pte = arch.PtepGetAndClear(src);
            if (dst == null)
            {
                dst = src;
                error++;
            }
            arch.SetPte(dst.Value, pte);
        }
        return error;
    }

    [Linux("mm/mremap.c", "move_one_page")]
    private int MoveOnePage(MmStruct mm, uint oldAddr, uint newAddr)
    {
        int error = 0;
        mm.PageTableLock.Lock();
        PtePtr? src = GetOnePte(mm, oldAddr);
        if (src != null)
        {
            // Port note: C evaluates alloc_one_pte as an argument, after get_one_pte found src; a
            // page-table allocation cannot move src's table, so the order is the same.
            error = CopyOnePte(mm, src.Value, AllocOnePte(mm, newAddr));
        }
        mm.PageTableLock.Unlock();
        return error;
    }

    // Moves the ptes of [oldAddr, oldAddr + len) to newAddr, last page first. If a page table
    // cannot be had, the pages already moved go back and the new range is zapped: -1.
    [Linux("mm/mremap.c", "move_page_tables")]
    private int MovePageTables(MmStruct mm, uint newAddr, uint oldAddr, uint len)
    {
        IArchitecture arch = _kernel.Arch;
        uint offset = len;

        arch.FlushCacheRange(mm, oldAddr, oldAddr + len);

        // One page at a time: simple, and undoing a failure needs nothing more.
        while (offset != 0)
        {
            offset -= PageSize;
            if (MoveOnePage(mm, oldAddr + offset, newAddr + offset) != 0)
                goto oops_we_failed;
        }
        arch.FlushTlbRange(mm, oldAddr, oldAddr + len);
        return 0;

    oops_we_failed:
        // The old page tables are all still there, so moving back cannot fail.
        arch.FlushCacheRange(mm, newAddr, newAddr + len);
        while ((offset += PageSize) < len)
            MoveOnePage(mm, newAddr + offset, oldAddr + offset);
        _kernel.Memory.ZapPageRange(mm, newAddr, len);
        return -1;
    }

    // Moves [addr, addr + oldLen) of vma to a new region of newLen bytes at newAddr, merging it
    // with a neighbour there when the flags allow. Returns newAddr or -ENOMEM.
    [Linux("mm/mremap.c", "move_vma")]
    private uint MoveVma(VmAreaStruct vma, uint addr, uint oldLen, uint newLen, uint newAddr)
    {
        MmStruct mm = vma.VmMm;
        MmStruct currentMm = _kernel.Current.Mm!;
        VmAreaStruct? newVma = null;
        bool mergeable = vma.VmFile == null && (vma.VmFlags & VmFlags.Shared) == 0;

        // #region merge
        VmAreaStruct? next = Mmap.FindVmaPrev(mm, newAddr, out VmAreaStruct? prev);
        if (next != null)
        {
            if (prev != null && prev.VmEnd == newAddr && Mmap.CanVmaMerge(prev, vma.VmFlags) && mergeable)
            {
                mm.PageTableLock.Lock();
                prev.VmEnd = newAddr + newLen;
                mm.PageTableLock.Unlock();
                newVma = prev;
                KernelPanicException.BugOn(next != prev.VmNext, "next != prev->vm_next", "move_vma");
                if (prev.VmEnd == next.VmStart && Mmap.CanVmaMerge(next, prev.VmFlags))
                {
                    mm.PageTableLock.Lock();
                    prev.VmEnd = next.VmEnd;
                    Mmap.VmaUnlinkCore(mm, next, prev);
                    mm.PageTableLock.Unlock();

                    mm.MapCount--;
                    _kernel.Fork.VmAreaFree(next);
                }
            }
            else if (next.VmStart == newAddr + newLen && Mmap.CanVmaMerge(next, vma.VmFlags) && mergeable)
            {
                mm.PageTableLock.Lock();
                next.VmStart = newAddr;
                mm.PageTableLock.Unlock();
                newVma = next;
            }
        }
        else
        {
            prev = Mmap.FindVma(mm, newAddr - 1);
            if (prev != null && prev.VmEnd == newAddr && Mmap.CanVmaMerge(prev, vma.VmFlags) && mergeable)
            {
                mm.PageTableLock.Lock();
                prev.VmEnd = newAddr + newLen;
                mm.PageTableLock.Unlock();
                newVma = prev;
            }
        }
        // #endregion

        // No neighbour to stretch: the moved pages need a region of their own, allocated before
        // any page moves.
        bool allocatedVma = false;
        if (newVma == null)
        {
            newVma = _kernel.Fork.VmAreaAlloc(SlabFlags.Kernel);
            if (newVma == null)
                goto @out;
            allocatedVma = true;
        }

        // #region move
        if (MovePageTables(currentMm, newAddr, addr, oldLen) == 0)
        {
            if (allocatedVma)
            {
                vma.CopyTo(newVma);
                newVma.VmNext = null;
                newVma.VmStart = newAddr;
                // Empty when do_mremap let a new length of 0 through (MREMAP_FIXED); see
                // RefuseEmptyAtStart in Mmap for where the port then differs.
                newVma.VmEnd = newAddr + newLen;
                newVma.VmPgoff += (addr - vma.VmStart) >> PageShift;
                newVma.VmFile?.GetFile();
                newVma.VmOps?.Open?.Invoke(newVma);
                Mmap.InsertVmStruct(currentMm, newVma);
            }
            Mmap.DoMunmap(currentMm, addr, oldLen);
            currentMm.TotalVm += newLen >> PageShift;
            if ((newVma.VmFlags & VmFlags.Locked) != 0)
            {
                currentMm.LockedVm += newLen >> PageShift;
                _kernel.Memory.MakePagesPresent(newVma.VmStart, newVma.VmEnd);
            }
            return newAddr;
        }
        // #endregion
        // Port note: when the move fails after a neighbour was stretched, 2.4 leaves the neighbour
        // stretched over the (now zapped) new range; that is kept as it is.
        if (allocatedVma)
            _kernel.Fork.VmAreaFree(newVma);
    @out:
        return unchecked((uint)-Errno.Enomem);
    }

    /// <summary>
    /// Changes the mapping at <paramref name="addr"/> from <paramref name="oldLen"/> to
    /// <paramref name="newLen"/> bytes: shrinking unmaps the tail, growing extends in place if the
    /// following addresses are free, else (with MREMAP_MAYMOVE) the mapping moves, to
    /// <paramref name="newAddr"/> with MREMAP_FIXED. Returns the mapping's address or a negated
    /// errno: -EINVAL (bad flags, alignment or overlap), -EFAULT (no single region at addr),
    /// -EAGAIN (a locked region over RLIMIT_MEMLOCK), -ENOMEM (no room, no memory, or cannot move).
    /// </summary>
    /// <param name="addr">Start of the old mapping, page aligned.</param>
    /// <param name="oldLen">Old length in bytes.</param>
    /// <param name="newLen">New length in bytes.</param>
    /// <param name="flags">MREMAP_MAYMOVE, MREMAP_FIXED.</param>
    /// <param name="newAddr">Where to move with MREMAP_FIXED.</param>
    /// <remarks>
    /// <para>The caller holds mm->mmap_sem for writing.</para>
    /// <para>Ported as 2.4.20 has it, including what it lets through: a new length of 0 (or one
    /// that rounds up past 4 GiB to 0) is not refused, and with MREMAP_FIXED it makes an empty
    /// region at <paramref name="newAddr"/>; a shrink unmaps from addr + new_len without checking
    /// that the sum does not wrap; with MREMAP_FIXED the target is unmapped before the checks that
    /// can still fail, and a shrink to another address unmaps the tail and then fails with
    /// -EFAULT. Chapter 4 walks through each.</para>
    /// </remarks>
    [Linux("mm/mremap.c", "do_mremap")]
    public uint DoMremap(uint addr, uint oldLen, uint newLen, uint flags, uint newAddr)
    {
        TaskStruct current = _kernel.Current;
        MmStruct mm = current.Mm!;
        uint taskSize = _kernel.Arch.TaskSize;
        uint ret = unchecked((uint)-Errno.Einval);
        VmAreaStruct? vma;

        if ((flags & ~(Mman.MremapFixed | Mman.MremapMaymove)) != 0)
            goto @out;

        if ((addr & ~PageMask) != 0)
            goto @out;

        // Either length may round to 0 here; neither is refused for it.
        oldLen = (oldLen + PageSize - 1) & PageMask;
        newLen = (newLen + PageSize - 1) & PageMask;

        // #region fixed
        if ((flags & Mman.MremapFixed) != 0)
        {
            if ((newAddr & ~PageMask) != 0)
                goto @out;
            if ((flags & Mman.MremapMaymove) == 0)
                goto @out;

            if (newLen > taskSize || newAddr > taskSize - newLen)
                goto @out;

            // The old and new ranges may not overlap.
            if (newAddr <= addr && newAddr + newLen > addr)
                goto @out;

            if (addr <= newAddr && addr + oldLen > newAddr)
                goto @out;

            // The target is cleared now, before any of the checks below that can still fail.
            Mmap.DoMunmap(mm, newAddr, newLen);
        }
        // #endregion

        // #region shrink
        // Shrinking always works: the tail is unmapped. Nothing has checked that the old range is
        // mapped, nor that addr + newLen does not wrap past 4 GiB. With MREMAP_FIXED to another
        // address the call goes on to move with oldLen as given; if it shrank, the region (now ending
        // at addr + newLen) no longer holds oldLen bytes: -EFAULT below, after both unmaps.
        ret = addr;
        if (oldLen >= newLen)
        {
            Mmap.DoMunmap(mm, addr + newLen, oldLen - newLen);
            if ((flags & Mman.MremapFixed) == 0 || newAddr == addr)
                goto @out;
        }
        // #endregion

        // #region checks
        ret = unchecked((uint)-Errno.Efault);
        vma = Mmap.FindVma(mm, addr);
        if (vma == null || vma.VmStart > addr)
            goto @out;
        // The old range must lie in one region.
        if (oldLen > vma.VmEnd - addr)
            goto @out;
        if ((vma.VmFlags & VmFlags.DontExpand) != 0)
        {
            if (newLen > oldLen)
                goto @out;
        }
        if ((vma.VmFlags & VmFlags.Locked) != 0)
        {
            uint locked = mm.LockedVm << PageShift;
            locked += newLen - oldLen;
            ret = unchecked((uint)-Errno.Eagain);
            if (locked > current.Rlim[Resource.RlimitMemlock].RlimCur)
                goto @out;
        }
        ret = unchecked((uint)-Errno.Enomem);
        if ((ulong)(mm.TotalVm << PageShift) + (newLen - oldLen) > current.Rlim[Resource.RlimitAs].RlimCur)
            goto @out;
        // Port note: the kernel tests MAP_NORESERVE (0x4000) in the mremap flags, where it can never
        // be set (any such bit was refused above); the test is kept as written.
        if ((vma.VmFlags & (VmFlags.Shared | VmFlags.Write)) == VmFlags.Write &&
            (flags & Mman.MapNoreserve) == 0 &&
            !Mmap.VmEnoughMemory((newLen - oldLen) >> PageShift))
            goto @out;
        // #endregion

        // #region grow-in-place
        if (oldLen == vma.VmEnd - addr &&
            !((flags & Mman.MremapFixed) != 0 && addr != newAddr) &&
            (oldLen != newLen || (flags & Mman.MremapMaymove) == 0))
        {
            uint maxAddr = taskSize;
            if (vma.VmNext != null)
                maxAddr = vma.VmNext.VmStart;
            if (maxAddr - addr >= newLen)
            {
                uint pages = (newLen - oldLen) >> PageShift;
                vma.VmMm.PageTableLock.Lock();
                vma.VmEnd = addr + newLen;
                vma.VmMm.PageTableLock.Unlock();
                mm.TotalVm += pages;
                if ((vma.VmFlags & VmFlags.Locked) != 0)
                {
                    mm.LockedVm += pages;
                    _kernel.Memory.MakePagesPresent(addr + oldLen, addr + newLen);
                }
                ret = addr;
                goto @out;
            }
        }
        // #endregion

        // #region move
        ret = unchecked((uint)-Errno.Enomem);
        if ((flags & Mman.MremapMaymove) != 0)
        {
            if ((flags & Mman.MremapFixed) == 0)
            {
                uint mapFlags = 0;
                if ((vma.VmFlags & VmFlags.Shared) != 0)
                    mapFlags |= Mman.MapShared;

                newAddr = Mmap.GetUnmappedArea(vma.VmFile, 0, newLen, vma.VmPgoff, mapFlags);
                ret = newAddr;
                if ((newAddr & ~PageMask) != 0)
                    goto @out;
            }
            ret = MoveVma(vma, addr, oldLen, newLen, newAddr);
        }
        // #endregion
    @out:
        return ret;
    }

    /// <summary>The mremap system call of the current process: <see cref="DoMremap"/> under mmap_sem.</summary>
    /// <param name="addr">Start of the old mapping.</param>
    /// <param name="oldLen">Old length in bytes.</param>
    /// <param name="newLen">New length in bytes.</param>
    /// <param name="flags">MREMAP_MAYMOVE, MREMAP_FIXED.</param>
    /// <param name="newAddr">Where to move with MREMAP_FIXED.</param>
    [Linux("mm/mremap.c", "sys_mremap")]
    public uint SysMremap(uint addr, uint oldLen, uint newLen, uint flags, uint newAddr)
    {
        MmStruct mm = _kernel.Current.Mm!;
        mm.MmapSem.DownWrite();
        uint ret = DoMremap(addr, oldLen, newLen, flags, newAddr);
        mm.MmapSem.UpWrite();
        return ret;
    }
}
