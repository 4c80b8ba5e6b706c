using LinuxVm.Mm.Arch;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.KernelModel;
using static LinuxVm.Mm.Include.PageConstants;

namespace LinuxVm.Mm;

/// <summary>
/// The port of mm/mprotect.c: the mprotect system call. It splits the regions at the ends of the
/// range so that the range is covered by whole regions, gives them the new flags (merging with a
/// neighbour that already has them), and rewrites the protection bits of the ptes already present.
/// </summary>
public sealed class Mprotect
{
    private readonly Kernel _kernel;

    /// <summary>Creates this file's state for <paramref name="kernel"/>.</summary>
    /// <param name="kernel">The kernel that owns it.</param>
    public Mprotect(Kernel kernel) => _kernel = kernel;

    private Mmap Mmap => _kernel.Mmap;

    // Rewrites the present ptes of one page table in [address, address + size) (clipped to the table).
    [Linux("mm/mprotect.c", "change_pte_range")]
    private void ChangePteRange(PmdPtr pmd, uint address, uint size, Pgprot newprot)
    {
        IArchitecture arch = _kernel.Arch;
        Pmd pmdval = arch.ReadPmd(pmd);
        if (pmdval.None)
            return;
        if (pmdval.Bad)
        {
            _kernel.Printk($"mm/mprotect.c: bad pmd {pmdval}.");
            arch.PmdClear(pmd);
            return;
        }
        PtePtr pte = arch.PteOffset(pmd, address);
        address &= ~arch.PmdMask;
        uint end = address + size;
        if (end > arch.PmdSize)
            end = arch.PmdSize;
        do
        {
            if (arch.ReadPte(pte).Present)
            {
                // Cleared first and then rewritten, so a dirty bit another CPU's MMU sets in
                // between is carried into the new entry rather than lost.
                Pte entry = arch.PtepGetAndClear(pte);
                arch.SetPte(pte, entry.Modify(newprot));
            }
            address += PageSize;
            pte++;
        } while (address != 0 && address < end);
    }

    // The page tables under one pgd entry.
    [Linux("mm/mprotect.c", "change_pmd_range")]
    private void ChangePmdRange(PgdPtr pgd, uint address, uint size, Pgprot newprot)
    {
        IArchitecture arch = _kernel.Arch;
        Pgd pgdval = arch.ReadPgd(pgd);
        if (pgdval.None)
            return;
        if (pgdval.Bad)
        {
            _kernel.Printk($"mm/mprotect.c: bad pgd {pgdval}.");
            arch.PgdClear(pgd);
            return;
        }
        PmdPtr pmd = arch.PmdOffset(pgd, address);
        address &= ~arch.PgdirMask;
        uint end = address + size;
        if (end > arch.PgdirSize)
            end = arch.PgdirSize;
        do
        {
            ChangePteRange(pmd, address, end - address, newprot);
            address = (address + arch.PmdSize) & arch.PmdMask;
            pmd++;
        } while (address != 0 && address < end);
    }

    // Gives every present pte of the current process in [start, end) the protection newprot.
    [Linux("mm/mprotect.c", "change_protection")]
    private void ChangeProtection(uint start, uint end, Pgprot newprot)
    {
        IArchitecture arch = _kernel.Arch;
        MmStruct mm = _kernel.Current.Mm!;
        uint beg = start;
        PgdPtr dir = arch.PgdOffset(mm, start);
        arch.FlushCacheRange(mm, beg, end);
        KernelPanicException.BugOn(start >= end, "start >= end", "change_protection");
        mm.PageTableLock.Lock();
        do
        {
            ChangePmdRange(dir, start, end - start, newprot);
            start = (start + arch.PgdirSize) & arch.PgdirMask;
            dir++;
        } while (start != 0 && start < end);
        mm.PageTableLock.Unlock();
        arch.FlushTlbRange(mm, beg, end);
    }

    // The whole region changes: it either merges into prev (which already has the new flags) or
    // takes them itself.
    [Linux("mm/mprotect.c", "mprotect_fixup_all")]
    private int MprotectFixupAll(VmAreaStruct vma, ref VmAreaStruct? pprev, uint newflags, Pgprot prot)
    {
        VmAreaStruct? prev = pprev;
        MmStruct mm = vma.VmMm;

        if (prev != null && prev.VmEnd == vma.VmStart && Mmap.CanVmaMerge(prev, newflags) &&
            vma.VmFile == null && (vma.VmFlags & VmFlags.Shared) == 0)
        {
            mm.PageTableLock.Lock();
            prev.VmEnd = vma.VmEnd;
            Mmap.VmaUnlinkCore(mm, vma, prev);
            mm.PageTableLock.Unlock();

            _kernel.Fork.VmAreaFree(vma);
            mm.MapCount--;
            return 0;
        }

        mm.PageTableLock.Lock();
        vma.VmFlags = newflags;
        vma.VmPageProt = prot;
        mm.PageTableLock.Unlock();

        pprev = vma;
        return 0;
    }

    // The lower part [vma.start, end) changes: it grows prev if prev can take it, else it becomes a
    // new region.
    [Linux("mm/mprotect.c", "mprotect_fixup_start")]
    private int MprotectFixupStart(VmAreaStruct vma, ref VmAreaStruct? pprev, uint end, uint newflags, Pgprot prot)
    {
        VmAreaStruct? prev = pprev;
        pprev = vma;

        if (prev != null && prev.VmEnd == vma.VmStart && Mmap.CanVmaMerge(prev, newflags) &&
            vma.VmFile == null && (vma.VmFlags & VmFlags.Shared) == 0)
        {
            vma.VmMm.PageTableLock.Lock();
            prev.VmEnd = end;
            vma.VmStart = end;
            vma.VmMm.PageTableLock.Unlock();
            return 0;
        }
        VmAreaStruct? n = _kernel.Fork.VmAreaAlloc(SlabFlags.Kernel);
        if (n == null)
            return -Errno.Enomem;
        vma.CopyTo(n);
        n.VmEnd = end;
        n.VmFlags = newflags;
        n.VmPageProt = prot;
        n.VmFile?.GetFile();
        n.VmOps?.Open?.Invoke(n);
        vma.VmPgoff += (end - vma.VmStart) >> PageShift;
        Mmap.LockVmaMappings(vma);
        vma.VmMm.PageTableLock.Lock();
        vma.VmStart = end;
        Mmap.InsertVmStructCore(_kernel.Current.Mm!, n);
        vma.VmMm.PageTableLock.Unlock();
        Mmap.UnlockVmaMappings(vma);
        return 0;
    }

    // The upper part [start, vma.end) changes and becomes a new region.
    [Linux("mm/mprotect.c", "mprotect_fixup_end")]
    private int MprotectFixupEnd(VmAreaStruct vma, ref VmAreaStruct? pprev, uint start, uint newflags, Pgprot prot)
    {
        VmAreaStruct? n = _kernel.Fork.VmAreaAlloc(Gfp.Kernel);
        if (n == null)
            return -Errno.Enomem;
        vma.CopyTo(n);
        n.VmStart = start;
        n.VmPgoff += (n.VmStart - vma.VmStart) >> PageShift;
        n.VmFlags = newflags;
        n.VmPageProt = prot;
        n.VmFile?.GetFile();
        n.VmOps?.Open?.Invoke(n);
        Mmap.LockVmaMappings(vma);
        vma.VmMm.PageTableLock.Lock();
        vma.VmEnd = start;
        Mmap.InsertVmStructCore(_kernel.Current.Mm!, n);
        vma.VmMm.PageTableLock.Unlock();
        Mmap.UnlockVmaMappings(vma);

        pprev = n;
        return 0;
    }

    // A piece in the middle changes: the region keeps the middle with the new flags, and two new
    // regions take the untouched ends.
    [Linux("mm/mprotect.c", "mprotect_fixup_middle")]
    private int MprotectFixupMiddle(VmAreaStruct vma, ref VmAreaStruct? pprev, uint start, uint end, uint newflags, Pgprot prot)
    {
        VmAreaStruct? left = _kernel.Fork.VmAreaAlloc(SlabFlags.Kernel);
        if (left == null)
            return -Errno.Enomem;
        VmAreaStruct? right = _kernel.Fork.VmAreaAlloc(SlabFlags.Kernel);
        if (right == null)
        {
            _kernel.Fork.VmAreaFree(left);
            return -Errno.Enomem;
        }
        vma.CopyTo(left);
        vma.CopyTo(right);
        left.VmEnd = start;
        right.VmStart = end;
        right.VmPgoff += (right.VmStart - left.VmStart) >> PageShift;
        // Both new pieces hold the file.
        if (vma.VmFile != null)
            vma.VmFile.FCount += 2;
        if (vma.VmOps?.Open is { } open)
        {
            open(left);
            open(right);
        }
        vma.VmPgoff += (start - vma.VmStart) >> PageShift;
        vma.VmPageProt = prot;
        Mmap.LockVmaMappings(vma);
        vma.VmMm.PageTableLock.Lock();
        vma.VmStart = start;
        vma.VmEnd = end;
        vma.VmFlags = newflags;
        Mmap.InsertVmStructCore(_kernel.Current.Mm!, left);
        Mmap.InsertVmStructCore(_kernel.Current.Mm!, right);
        vma.VmMm.PageTableLock.Unlock();
        Mmap.UnlockVmaMappings(vma);

        pprev = right;
        return 0;
    }

    // Gives [start, end) of one region the flags newflags: picks the split needed, then rewrites
    // the ptes. On return pprev is the region now ending at end.
    [Linux("mm/mprotect.c", "mprotect_fixup")]
    private int MprotectFixup(VmAreaStruct vma, ref VmAreaStruct? pprev, uint start, uint end, uint newflags)
    {
        if (newflags == vma.VmFlags)
        {
            pprev = vma;
            return 0;
        }
        Pgprot newprot = Mmap.ProtectionMap[newflags & 0xf];
        int error;
        if (start == vma.VmStart)
        {
            if (end == vma.VmEnd)
                error = MprotectFixupAll(vma, ref pprev, newflags, newprot);
            else
                error = MprotectFixupStart(vma, ref pprev, end, newflags, newprot);
        }
        else if (end == vma.VmEnd)
            error = MprotectFixupEnd(vma, ref pprev, start, newflags, newprot);
        else
            error = MprotectFixupMiddle(vma, ref pprev, start, end, newflags, newprot);

        if (error != 0)
            return error;

        ChangeProtection(start, end, newprot);
        return 0;
    }

    /// <summary>
    /// The mprotect system call of the current process: gives [start, start + len) the protection
    /// <paramref name="prot"/>. Returns 0, -EINVAL (unaligned start, wrap, unknown bits), -ENOMEM
    /// (part of the range is not mapped) or -EACCES (a region may not get a permission, its
    /// VM_MAY* bit is clear). An error found part way leaves the regions already done changed, as
    /// in 2.4.
    /// </summary>
    /// <param name="start">Start, page aligned.</param>
    /// <param name="len">Length in bytes, rounded up to pages.</param>
    /// <param name="prot">PROT_READ, PROT_WRITE, PROT_EXEC.</param>
    [Linux("mm/mprotect.c", "sys_mprotect")]
    public int SysMprotect(uint start, uint len, uint prot)
    {
        if ((start & ~PageMask) != 0)
            return -Errno.Einval;
        len = (len + PageSize - 1) & PageMask;
        uint end = start + len;
        if (end < start)
            return -Errno.Einval;
        if ((prot & ~(Mman.ProtRead | Mman.ProtWrite | Mman.ProtExec)) != 0)
            return -Errno.Einval;
        if (end == start)
            return 0;

        MmStruct mm = _kernel.Current.Mm!;
        mm.MmapSem.DownWrite();

        int error;
        VmAreaStruct? vma = Mmap.FindVmaPrev(mm, start, out VmAreaStruct? prev), next;
        error = -Errno.Enomem;
        if (vma == null || vma.VmStart > start)
            goto @out;

        // #region walk
        for (uint nstart = start; ;)
        {
            // Here vma.VmStart <= nstart < vma.VmEnd.
            bool last = false;
            uint newflags = prot | (vma.VmFlags & ~(Mman.ProtRead | Mman.ProtWrite | Mman.ProtExec));
            // VM_MAYREAD is VM_READ << 4, and so on: a permission without its MAY bit is refused.
            if ((newflags & ~(newflags >> 4) & 0xf) != 0)
            {
                error = -Errno.Eacces;
                goto @out;
            }

            if (vma.VmEnd > end)
            {
                error = MprotectFixup(vma, ref prev, nstart, end, newflags);
                goto @out;
            }
            if (vma.VmEnd == end)
                last = true;

            uint tmp = vma.VmEnd;
            next = vma.VmNext;
            error = MprotectFixup(vma, ref prev, nstart, tmp, newflags);
            if (error != 0)
                goto @out;
            if (last)
                break;
            nstart = tmp;
            vma = next;
            if (vma == null || vma.VmStart != nstart)
            {
                error = -Errno.Enomem;
                goto @out;
            }
        }
        // #endregion
        // #region merge-next
        if (next != null && prev!.VmEnd == next.VmStart && Mmap.CanVmaMerge(next, prev.VmFlags) &&
            prev.VmFile == null && (prev.VmFlags & VmFlags.Shared) == 0)
        {
            prev.VmMm.PageTableLock.Lock();
            prev.VmEnd = next.VmEnd;
            Mmap.VmaUnlinkCore(prev.VmMm, next, prev);
            prev.VmMm.PageTableLock.Unlock();

            _kernel.Fork.VmAreaFree(next);
            prev.VmMm.MapCount--;
        }
        // #endregion
    @out:
        mm.MmapSem.UpWrite();
        return error;
    }
}
