using LinuxVm.Mm.Arch;
using LinuxVm.Mm.Fs;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.KernelModel;
using static LinuxVm.Mm.Include.PageConstants;

namespace LinuxVm.Mm;

// mm/shmem.c, the swap-entry index and truncation (from shmem_recalc_inode to
// shmem_delete_inode): the block count is brought back in line with the pages a file holds; the
// slot of a page's swap entry is found, or the index grows to make one; truncation releases the
// entries past the new end and frees the index pages that lie wholly beyond it, and a dying
// inode is truncated to nothing.
public sealed partial class Shmem
{
    /// <summary>
    /// Gives back to the superblock the blocks of pages the VM dropped behind shmem's back: the
    /// inode's i_blocks should cover exactly its cached and swapped pages. The caller holds info->lock.
    /// </summary>
    [Linux("mm/shmem.c", "shmem_recalc_inode")]
    private static void ShmemRecalcInode(Inode inode)
    {
        uint freed = inode.IBlocks / BlocksPerPage - (inode.IMapping.NrPages + ShmemI(inode).Swapped);
        if (freed != 0)
        {
            ShmemSbInfo sbinfo = ShmemSb(inode.ISb!);
            inode.IBlocks -= freed * BlocksPerPage;
            sbinfo.StatLock.Lock();
            sbinfo.FreeBlocks += freed;
            sbinfo.StatLock.Unlock();
        }
    }

    /// <summary>
    /// Where the swap entry of page <paramref name="index"/> lives in the file's index. When a
    /// level of the index is missing, the page given in <paramref name="page"/> (a zeroed page's
    /// kernel address, or 0) is hung there and the answer is -ENOMEM, so that the caller allocates
    /// another page and asks again; with no page, a missing level is just -ENOMEM.
    /// </summary>
    /// <remarks>
    /// <code>
    ///  index 0..15          info.i_direct[index]
    ///  16 .. 16+512K-1      i_indirect[n]        -> page of 1024 entries        (n &lt; 512)
    ///  beyond               i_indirect[512 + m]  -> page of 1024 pointers -> page of 1024 entries
    /// </code>
    /// </remarks>
    [Linux("mm/shmem.c", "shmem_swp_entry")]
    private SwpEntryPtr ShmemSwpEntry(ShmemInodeInfo info, uint index, uint page)
    {
        if (index < ShmemInodeInfo.ShmemNrDirect)
            return new SwpEntryPtr(info, (int)index, 0, 0);

        index -= ShmemInodeInfo.ShmemNrDirect;
        uint offset = index % EntriesPerPage;
        index /= EntriesPerPage;

        if (info.IIndirect == 0)
        {
            info.IIndirect = page;
            return SwpEntryPtr.ErrPtr(-Errno.Enomem);
        }

        // dir is a pointer slot in an index page, named by its kernel address.
        uint dir = info.IIndirect + index * 4;
        if (index >= EntriesPerPage / 2)
        {
            index -= EntriesPerPage / 2;
            dir = info.IIndirect + (EntriesPerPage / 2 + index / EntriesPerPage) * 4;
            index %= EntriesPerPage;

            if (ReadSlot(dir) == 0)
            {
                // The middle level was missing: the next call needs one more page.
                WriteSlot(dir, page);
                return SwpEntryPtr.ErrPtr(-Errno.Enomem);
            }
            dir = ReadSlot(dir) + index * 4;
        }
        if (ReadSlot(dir) == 0)
        {
            if (page == 0)
                return SwpEntryPtr.ErrPtr(-Errno.Enomem);
            WriteSlot(dir, page);
        }
        return new SwpEntryPtr(null, 0, ReadSlot(dir) + offset * 4, 0);
    }

    private uint ReadSlot(uint kaddr) => _kernel.Phys.ReadU32(_kernel.Pa(kaddr));

    private void WriteSlot(uint kaddr, uint value) => _kernel.Phys.WriteU32(_kernel.Pa(kaddr), value);

    /// <summary>
    /// The place of page <paramref name="index"/>'s swap entry, building the missing levels of the
    /// index with zeroed pages; -EFBIG past the largest file, -ENOMEM when no page can be had.
    /// </summary>
    [Linux("mm/shmem.c", "shmem_alloc_entry")]
    private SwpEntryPtr ShmemAllocEntry(ShmemInodeInfo info, uint index)
    {
        uint page = 0;
        SwpEntryPtr res;

        if (index >= ShmemMaxIndex)
            return SwpEntryPtr.ErrPtr(-Errno.Efbig);

        if (info.NextIndex <= index)
            info.NextIndex = index + 1;

        while ((res = ShmemSwpEntry(info, index, page)).Err == -Errno.Enomem)
        {
            page = _kernel.PageAlloc.GetZeroedPage(Gfp.User);
            if (page == 0)
                break;
        }
        return res;
    }

    /// <summary>Clears the <paramref name="count"/> entries from <paramref name="dir"/> on, releasing the swap behind each one set; returns how many were.</summary>
    [Linux("mm/shmem.c", "shmem_free_swp")]
    private int ShmemFreeSwp(SwpEntryPtr dir, uint count)
    {
        int freed = 0;
        for (uint i = 0; i < count; i++)
        {
            SwpEntryPtr ptr = dir.Plus(i);
            SwpEntry entry = ptr.Get(_kernel);
            if (entry.Val == 0)
                continue;
            ptr.Set(_kernel, default);
            freed++;
            _kernel.Swapfile.FreeSwapAndCache(entry);
        }
        return freed;
    }

    // A slot holding the address of a page of pointers: the inode's i_indirect itself, or a
    // pointer in the second half of the indirect page (the C's swp_entry_t ***).
    private readonly record struct DirSlot(ShmemInodeInfo? Info, uint Kaddr);

    private uint Read(DirSlot d) => d.Info != null ? d.Info.IIndirect : ReadSlot(d.Kaddr);

    private void Write(DirSlot d, uint value)
    {
        if (d.Info != null)
            d.Info.IIndirect = value;
        else
            WriteSlot(d.Kaddr, value);
    }

    /// <summary>
    /// Truncates one block of the index: the page of pointers that <paramref name="dir"/> holds,
    /// covering <paramref name="len"/> entries, from entry <paramref name="start"/> on. Pages of
    /// entries wholly past the start are freed; when the start is 0 the pointer page goes too.
    /// Returns the number of swap entries released.
    /// </summary>
    [Linux("mm/shmem.c", "shmem_truncate_direct")]
    private uint ShmemTruncateDirect(DirSlot dir, uint start, uint len)
    {
        uint freed = 0;
        uint block = Read(dir);
        if (block == 0)
            return 0;

        uint last = block + (len + EntriesPerPage - 1) / EntriesPerPage * 4;
        uint off = start % EntriesPerPage;

        for (uint ptr = block + start / EntriesPerPage * 4; ptr < last; ptr += 4)
        {
            uint entries = ReadSlot(ptr);
            if (entries == 0)
            {
                off = 0;
                continue;
            }
            if (off == 0)
            {
                freed += (uint)ShmemFreeSwp(new SwpEntryPtr(null, 0, entries, 0), EntriesPerPage);
                _kernel.PageAlloc.FreePages(entries, 0);
                WriteSlot(ptr, 0);
            }
            else
            {
                // The first page keeps its entries below the start.
                freed += (uint)ShmemFreeSwp(new SwpEntryPtr(null, 0, entries + off * 4, 0), EntriesPerPage - off);
                off = 0;
            }
        }

        if (start == 0)
        {
            _kernel.PageAlloc.FreePages(block, 0);
            Write(dir, 0);
        }
        return freed;
    }

    /// <summary>
    /// Truncates the highest block of the index that still reaches <paramref name="index"/> or
    /// beyond, and lowers next_index to the start of that block (or to the index): called in a loop
    /// until next_index comes down to the index. Returns the swap entries released.
    /// </summary>
    [Linux("mm/shmem.c", "shmem_truncate_indirect")]
    private uint ShmemTruncateIndirect(ShmemInodeInfo info, uint index)
    {
        const uint nrDirect = ShmemInodeInfo.ShmemNrDirect;
        const uint epp = EntriesPerPage;
        DirSlot @base;
        uint baseidx, len, start;
        uint max = info.NextIndex - 1;

        if (max < nrDirect)
        {
            info.NextIndex = index;
            return (uint)ShmemFreeSwp(new SwpEntryPtr(info, (int)index, 0, 0), nrDirect - index);
        }

        if (max < epp * epp / 2 + nrDirect)
        {
            // The doubly indirect part: i_indirect's first half.
            max -= nrDirect;
            @base = new DirSlot(info, 0);
            baseidx = nrDirect;
            len = max + 1;
        }
        else
        {
            // A triply indirect block: one pointer of i_indirect's second half.
            max -= epp * epp / 2 + nrDirect;
            if (max >= epp * epp * epp / 2)
                throw new KernelPanicException("index beyond SHMEM_MAX_INDEX", "shmem_truncate_indirect");

            baseidx = max & ~(epp * epp - 1);
            @base = new DirSlot(null, info.IIndirect + (epp / 2 + baseidx / epp / epp) * 4);
            len = max - baseidx + 1;
            baseidx += epp * epp / 2 + nrDirect;
        }

        if (index > baseidx)
        {
            info.NextIndex = index;
            start = index - baseidx;
        }
        else
        {
            info.NextIndex = baseidx;
            start = 0;
        }
        return ShmemTruncateDirect(@base, start, len);
    }

    /// <summary>
    /// The truncate method: after i_size shrank, clears the part of a straddling page beyond the
    /// end (only when that page is out on swap; a cached one was handled by truncate_inode_pages)
    /// and cuts the index back to the new size, releasing its pages and swap entries.
    /// </summary>
    /// <param name="inode">The inode.</param>
    [Linux("mm/shmem.c", "shmem_truncate")]
    public void ShmemTruncate(Inode inode)
    {
        uint freed = 0;
        ShmemInodeInfo info = ShmemI(inode);

        info.Sem.Down();
        // Port note: inode times are not modelled (i_ctime, i_mtime = CURRENT_TIME).
        info.Lock.Lock();
        uint index = (uint)((inode.ISize + PageSize - 1) >> PageShift);
        uint partial = (uint)(inode.ISize & ~PageMask);

        if (partial != 0)
        {
            SwpEntryPtr entry = ShmemSwpEntry(info, index - 1, 0);
            // Racy in 2.4 too: the page may have moved between swap and cache meanwhile.
            if (!entry.IsErr && entry.Get(_kernel).Val != 0)
            {
                info.Lock.Unlock();
                Page? page = ShmemGetpageLocked(info, inode, index - 1, out _);
                if (page != null)
                {
                    // memclear_highpage_flush
                    _kernel.Phys.Fill(_kernel.PageToPhys(page) + partial, 0, PageSize - partial);
                    _kernel.Filemap.UnlockPage(page);
                    _kernel.Filemap.PageCacheRelease(page);
                }
                info.Lock.Lock();
            }
        }

        while (index < info.NextIndex)
            freed += ShmemTruncateIndirect(info, index);

        info.Swapped -= freed;
        ShmemRecalcInode(inode);
        info.Lock.Unlock();
        info.Sem.Up();
    }

    /// <summary>
    /// The delete_inode method, run when the last reference to an unlinked shmem inode goes: a
    /// regular file leaves the shmem_inodes list and is truncated to nothing (freeing its index);
    /// the inode's slot goes back to the superblock.
    /// </summary>
    /// <param name="inode">The inode.</param>
    [Linux("mm/shmem.c", "shmem_delete_inode")]
    public void ShmemDeleteInode(Inode inode)
    {
        ShmemSbInfo sbinfo = ShmemSb(inode.ISb!);

        if (inode.IOp?.Truncate == ShmemInodeOperations.Truncate)
        {
            ShmemIlock.Lock();
            ShmemI(inode).List.Del();
            ShmemIlock.Unlock();
            inode.ISize = 0;
            ShmemTruncate(inode);
        }
        sbinfo.StatLock.Lock();
        sbinfo.FreeInodes++;
        sbinfo.StatLock.Unlock();
        InodeCache.ClearInode(inode);
    }
}
