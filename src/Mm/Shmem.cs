using LinuxVm.Mm.Arch;
using LinuxVm.Mm.Fs;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.KernelModel;
using LinuxVm.Mm.Sim;
using static LinuxVm.Mm.Include.PageConstants;
using static LinuxVm.Mm.Include.PageFlags;
using File = LinuxVm.Mm.Fs.File;

namespace LinuxVm.Mm;

/// <summary>
/// The port of mm/shmem.c as far as shared anonymous memory needs it: an internal tmpfs instance
/// (shm) whose unlinked files back MAP_SHARED|MAP_ANONYMOUS regions, so that every process sharing
/// such a region finds the same pages in the file's page cache.
/// </summary>
/// <remarks>
/// <para>Each file keeps an index of swap entries for its pages: sixteen in the inode itself, then
/// index pages (taken with get_zeroed_page) reached through one indirect page whose first half
/// points at pages of entries and whose second half at pages of such pointers. The index is
/// built as pages are first touched and torn down by truncation, exactly as in 2.4, although
/// without swap every entry stays zero.</para>
/// <para>Left for the swap port: shmem_writepage (moving a page to the swap cache),
/// shmem_unuse and shmem_unuse_inode (swapoff), shmem_find_swp, and the swap-cache branch of
/// shmem_getpage_locked. Without them no entry is ever set, which is what 2.4 does on a machine
/// with no swap.</para>
/// <para>Left for a tmpfs port: tmpfs as a mountable filesystem (shmem_file_read and
/// shmem_file_write, lookup, create, mkdir, link, unlink, rename, symlink, statfs, mount options
/// and remount). SysV shared memory (ipc/shm.c) is outside mm/.</para>
/// </remarks>
public sealed class Shmem
{
    private readonly Kernel _kernel;

    /// <summary>Creates this file's state for <paramref name="kernel"/>; <see cref="InitShmemFs"/> mounts shm.</summary>
    /// <param name="kernel">The kernel that owns it.</param>
    public Shmem(Kernel kernel)
    {
        _kernel = kernel;
        ShmemInodes = new ListHead();
        ShmemAops = new AddressSpaceOperations();
        ShmemFileOperations = new FileOperations { Mmap = ShmemMmap };
        ShmemInodeOperations = new InodeOperations { Truncate = ShmemTruncate };
        ShmemDirInodeOperations = new InodeOperations();
        ShmemOps = new SuperOperations { DeleteInode = ShmemDeleteInode, PutInode = InodeCache.ForceDelete };
        ShmemVmOps = new VmOperationsStruct { Nopage = ShmemNopage };
        TmpfsFsType = new FileSystemType { Name = "tmpfs", ReadSuper = ShmemReadSuper, FsFlags = FileSystemType.FsLitter };
    }

    /// <summary>The magic number statfs reports for tmpfs (glibc checks it for POSIX shared memory).</summary>
    [Linux("mm/shmem.c", "TMPFS_MAGIC")]
    public const uint TmpfsMagic = 0x01021994;

    /// <summary>Swap entries in one index page: 1024 four-byte entries.</summary>
    [Linux("mm/shmem.c", "ENTRIES_PER_PAGE")]
    public const uint EntriesPerPage = PageSize / 4;

    /// <summary>512-byte blocks in a page, the unit of i_blocks.</summary>
    [Linux("mm/shmem.c", "BLOCKS_PER_PAGE")]
    public const uint BlocksPerPage = PageSize / 512;

    /// <summary>
    /// Pages a shmem file can index: 16 direct, 512 × 1024 through the first half of the indirect
    /// page, and 512 × 1024 × 1024 through its second half (the C formula writes the sum as
    /// 512 × 1024 × 1025).
    /// </summary>
    [Linux("mm/shmem.c", "SHMEM_MAX_INDEX")]
    public const uint ShmemMaxIndex = ShmemInodeInfo.ShmemNrDirect + EntriesPerPage * (EntriesPerPage / 2) * (EntriesPerPage + 1);

    /// <summary>The largest shmem file in bytes (about 2 TiB).</summary>
    [Linux("mm/shmem.c", "SHMEM_MAX_BYTES")]
    public const ulong ShmemMaxBytes = (ulong)ShmemMaxIndex << PageShift;

    /// <summary>The size a directory pretends each entry takes.</summary>
    [Linux("mm/shmem.c", "BOGO_DIRENT_SIZE")]
    public const int BogoDirentSize = 20;

    /// <summary>Pages to account for a file of <paramref name="size"/> bytes.</summary>
    /// <param name="size">Bytes.</param>
    [Linux("mm/shmem.c", "VM_ACCT")]
    public static long VmAcct(long size) => (size + PageSize - 1) >> PageShift;

    /// <summary>The superblock's shmem part.</summary>
    /// <param name="sb">A shmem superblock.</param>
    [Linux("mm/shmem.c", "SHMEM_SB")]
    public static ShmemSbInfo ShmemSb(SuperBlock sb) => sb.ShmemSb!;

    /// <summary>The inode's shmem part.</summary>
    /// <param name="inode">A shmem inode.</param>
    [Linux("include/linux/shmem_fs.h", "SHMEM_I")]
    public static ShmemInodeInfo ShmemI(Inode inode) => inode.ShmemI;

    /// <summary>The superblock methods: delete_inode frees the index, put_inode unlinks on the last reference.</summary>
    [Linux("mm/shmem.c", "shmem_ops")]
    public SuperOperations ShmemOps { get; }

    /// <summary>The page-cache methods. Port note: writepage (shmem_writepage) arrives with the swap port.</summary>
    [Linux("mm/shmem.c", "shmem_aops")]
    public AddressSpaceOperations ShmemAops { get; }

    /// <summary>The file methods: mmap. Port note: read, write and fsync belong to tmpfs, not ported.</summary>
    [Linux("mm/shmem.c", "shmem_file_operations")]
    public FileOperations ShmemFileOperations { get; }

    /// <summary>The methods of a regular shmem file: truncate.</summary>
    [Linux("mm/shmem.c", "shmem_inode_operations")]
    public InodeOperations ShmemInodeOperations { get; }

    /// <summary>The methods of a shmem directory. Port note: all of them belong to tmpfs, not ported, so it is empty.</summary>
    [Linux("mm/shmem.c", "shmem_dir_inode_operations")]
    public InodeOperations ShmemDirInodeOperations { get; }

    /// <summary>The region methods of a shmem mapping: nopage.</summary>
    [Linux("mm/shmem.c", "shmem_vm_ops")]
    public VmOperationsStruct ShmemVmOps { get; }

    /// <summary>Every regular shmem file's info, linked through <see cref="ShmemInodeInfo.List"/> (swapoff searches it).</summary>
    [Linux("mm/shmem.c", "shmem_inodes")]
    public ListHead ShmemInodes { get; }

    /// <summary>Guards <see cref="ShmemInodes"/>.</summary>
    [Linux("mm/shmem.c", "shmem_ilock")]
    public SpinLock ShmemIlock { get; } = new("shmem_ilock");

    /// <summary>Declared by 2.4.20 but not used.</summary>
    [Linux("mm/shmem.c", "shmem_nrpages")]
    public int ShmemNrpages { get; }

    /// <summary>The tmpfs filesystem type (FS_LITTER; with CONFIG_TMPFS, as the i386 defconfig has, it is also user-mountable).</summary>
    [Linux("mm/shmem.c", "tmpfs_fs_type")]
    public FileSystemType TmpfsFsType { get; }

    /// <summary>The internal mount that holds every shared anonymous region's file.</summary>
    [Linux("mm/shmem.c", "shm_mnt")]
    public Vfsmount? ShmMnt { get; private set; }

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

    /// <summary>
    /// Finds page <paramref name="idx"/> of the file in its page cache or makes it: a new page is
    /// charged to the superblock, zeroed, entered into the cache and marked uptodate (but not
    /// dirty: that is up to the VM). Returns the page locked with a reference, or null with
    /// <paramref name="error"/> set (-ENOMEM, -ENOSPC, -EFBIG). The caller holds info->sem.
    /// </summary>
    [Linux("mm/shmem.c", "shmem_getpage_locked")]
    private Page? ShmemGetpageLocked(ShmemInodeInfo info, Inode inode, uint idx, out int error)
    {
        AddressSpace mapping = inode.IMapping;
        Filemap filemap = _kernel.Filemap;
        error = 0;

        // #region lookup
        Page? page;
    repeat:
        page = filemap.FindLockPage(mapping, idx);
        if (page != null)
            return page;

        SwpEntryPtr entry = ShmemAllocEntry(info, idx);
        if (entry.IsErr)
        {
            error = entry.Err;
            return null;
        }

        info.Lock.Lock();

        // Making room in the index may have slept; look again under the lock.
        page = filemap.FindGetPage(mapping, idx);
        if (page != null)
        {
            if (Memory.TryLockPage(page))
                goto wait_retry;
            info.Lock.Unlock();
            return page;
        }
        // #endregion

        ShmemRecalcInode(inode);
        // #region swap-or-new
        if (entry.Get(_kernel).Val != 0)
        {
            // Port note: the page is out on swap: look it up in the swap cache or read it in, then
            // move it from the swap cache to this file's page cache. That needs the swap cache
            // (lookup_swap_cache, swapin_readahead, read_swap_cache_async, delete_from_swap_cache,
            // add_to_page_cache_locked), which arrives with the swap port; until then no entry is set.
            info.Lock.Unlock();
            throw new NotSupportedException("shmem_getpage_locked: page is on swap, but swap is not ported");
        }

        ShmemSbInfo sbinfo = ShmemSb(inode.ISb!);
        info.Lock.Unlock();
        sbinfo.StatLock.Lock();
        if (sbinfo.FreeBlocks == 0)
            goto no_space;
        sbinfo.FreeBlocks--;
        sbinfo.StatLock.Unlock();

        // Nothing in memory or on swap: this is the first touch of the page, and info->sem keeps
        // anyone else from making it at the same time.
        page = filemap.PageCacheAlloc(mapping);
        if (page == null)
        {
            error = -Errno.Enomem;
            return null;
        }
        _kernel.Phys.Fill(_kernel.PageToPhys(page), 0, PageSize);   // clear_highpage
        _kernel.Arch.FlushDcachePage(page);
        inode.IBlocks += BlocksPerPage;
        filemap.AddToPageCache(page, mapping, idx);
        // #endregion

        SetPageUptodate(page);
        return page;

    no_space:
        sbinfo.StatLock.Unlock();
        error = -Errno.Enospc;
        return null;

    wait_retry:
        info.Lock.Unlock();
        filemap.WaitOnPage(page!);
        filemap.PageCacheRelease(page!);
        goto repeat;
    }

    /// <summary>
    /// Page <paramref name="idx"/> of the file, unlocked, with a reference for the caller: 0 and
    /// the page in <paramref name="ptr"/>, or a negated errno with <paramref name="ptr"/> saying
    /// SIGBUS (past the end of the file, no space) or OOM.
    /// </summary>
    [Linux("mm/shmem.c", "shmem_getpage")]
    private int ShmemGetpage(Inode inode, uint idx, out NopageResult ptr)
    {
        ShmemInodeInfo info = ShmemI(inode);
        int error;

        info.Sem.Down();
        if (inode.ISize <= (long)idx * PageSize)
        {
            error = -Errno.Efault;
            goto failed;
        }

        Page? page = ShmemGetpageLocked(info, inode, idx, out error);
        if (page == null)
            goto failed;

        _kernel.Filemap.UnlockPage(page);
        info.Sem.Up();
        ptr = page;
        return 0;

    failed:
        info.Sem.Up();
        ptr = error == -Errno.Enomem ? NopageResult.Oom : NopageResult.Sigbus;
        return error;
    }

    /// <summary>
    /// The nopage method of a shmem mapping: the page of the file that the faulting address maps,
    /// found or made in the file's page cache.
    /// </summary>
    /// <param name="vma">The region.</param>
    /// <param name="address">The faulting address, page aligned.</param>
    /// <param name="unused">Unused (the write flag some nopage methods take).</param>
    [Linux("mm/shmem.c", "shmem_nopage")]
    public NopageResult ShmemNopage(VmAreaStruct vma, uint address, int unused)
    {
        Inode inode = vma.VmFile!.FDentry!.DInode!;
        uint idx = (address - vma.VmStart) >> PageShift;
        idx += vma.VmPgoff;

        if (ShmemGetpage(inode, idx, out NopageResult page) != 0)
            return page;

        _kernel.Arch.FlushPageToRam(page.Page!);
        return page;
    }

    /// <summary>Locks the file's pages in memory (SHM_LOCK) or lets them go again.</summary>
    /// <param name="file">A shmem file.</param>
    /// <param name="lock">Nonzero to lock.</param>
    [Linux("mm/shmem.c", "shmem_lock")]
    public static void ShmemLock(File file, int @lock)
    {
        Inode inode = file.FDentry!.DInode!;
        ShmemInodeInfo info = ShmemI(inode);
        info.Sem.Down();
        info.Locked = @lock;
        info.Sem.Up();
    }

    /// <summary>The mmap method of a shmem file: only regular files of a mounted instance map; the region gets shmem's nopage.</summary>
    /// <param name="file">The file.</param>
    /// <param name="vma">The new region.</param>
    [Linux("mm/shmem.c", "shmem_mmap")]
    public int ShmemMmap(File file, VmAreaStruct vma)
    {
        VmOperationsStruct ops = ShmemVmOps;
        Inode inode = file.FDentry!.DInode!;
        if (inode.ISb == null || !Inode.SIsreg(inode.IMode))
            return -Errno.Eacces;
        // Port note: access times are not modelled (UPDATE_ATIME).
        vma.VmOps = ops;
        return 0;
    }

    /// <summary>
    /// A new inode of the shmem instance <paramref name="sb"/> with the given mode, if the
    /// instance has inodes left: a regular file gets the file methods and joins shmem_inodes, a
    /// directory the (empty) directory methods.
    /// </summary>
    /// <param name="sb">The superblock.</param>
    /// <param name="mode">S_IF* type and permissions.</param>
    /// <param name="dev">Device number, for a device special file.</param>
    [Linux("mm/shmem.c", "shmem_get_inode")]
    public Inode? ShmemGetInode(SuperBlock sb, uint mode, int dev)
    {
        ShmemSbInfo sbinfo = ShmemSb(sb);

        sbinfo.StatLock.Lock();
        if (sbinfo.FreeInodes == 0)
        {
            sbinfo.StatLock.Unlock();
            return null;
        }
        sbinfo.FreeInodes--;
        sbinfo.StatLock.Unlock();

        Inode? inode = _kernel.InodeCache.NewInode(sb);
        if (inode != null)
        {
            inode.IMode = mode;
            // Port note: owners (current->fsuid, fsgid) and times are not modelled.
            inode.IBlksize = PageSize;
            inode.IBlocks = 0;
            inode.IRdev = 0;   // NODEV
            inode.IMapping.AOps = ShmemAops;
            ShmemInodeInfo info = ShmemI(inode);
            info.Inode = inode;
            info.Lock = new SpinLock("info->lock");
            info.Sem = new KernelModel.Semaphore(_kernel, "info->sem", 1);
            switch (mode & Inode.SIfmt)
            {
                default:
                    // Port note: device special files (init_special_inode) belong to tmpfs's mknod, not ported.
                    break;
                case Inode.SIfreg:
                    inode.IOp = ShmemInodeOperations;
                    inode.IFop = ShmemFileOperations;
                    ShmemIlock.Lock();
                    ShmemInodes.AddTail(info.List);
                    ShmemIlock.Unlock();
                    break;
                case Inode.SIfdir:
                    inode.INlink++;
                    // Some programs misbehave when a directory has size 0.
                    inode.ISize = 2 * BogoDirentSize;
                    inode.IOp = ShmemDirInodeOperations;
                    // Port note: dcache_dir_ops (reading a directory) is VFS, not modelled.
                    inode.IFop = null;
                    break;
                case Inode.SIflnk:
                    break;
            }
        }
        return inode;
    }

    /// <summary>
    /// Sets the instance's limits on pages and inodes, keeping what is in use: -EINVAL if more is
    /// in use than the new limit allows.
    /// </summary>
    /// <param name="info">The superblock's shmem part.</param>
    /// <param name="maxBlocks">New page limit.</param>
    /// <param name="maxInodes">New inode limit.</param>
    [Linux("mm/shmem.c", "shmem_set_size")]
    public static int ShmemSetSize(ShmemSbInfo info, uint maxBlocks, uint maxInodes)
    {
        int error;
        info.StatLock.Lock();
        uint blocks = info.MaxBlocks - info.FreeBlocks;
        uint inodes = info.MaxInodes - info.FreeInodes;
        error = -Errno.Einval;
        if (maxBlocks < blocks)
            goto @out;
        if (maxInodes < inodes)
            goto @out;
        error = 0;
        info.MaxBlocks = maxBlocks;
        info.FreeBlocks = maxBlocks - blocks;
        info.MaxInodes = maxInodes;
        info.FreeInodes = maxInodes - inodes;
    @out:
        info.StatLock.Unlock();
        return error;
    }

    /// <summary>
    /// Fills in a new tmpfs superblock: by default half of RAM in pages and as many inodes, page
    /// sized blocks, the tmpfs magic, and a root directory (mode 1777).
    /// </summary>
    /// <param name="sb">The superblock.</param>
    /// <param name="data">Mount options.</param>
    /// <param name="silent">Nonzero: no complaints.</param>
    [Linux("mm/shmem.c", "shmem_read_super")]
    public SuperBlock? ShmemReadSuper(SuperBlock sb, string? data, int silent)
    {
        uint mode = Inode.SIrwxugo | Inode.SIsvtx;
        sb.ShmemSb = new ShmemSbInfo();
        ShmemSbInfo sbinfo = ShmemSb(sb);

        // Each instance may use half of RAM unless told otherwise.
        var si = new SysInfo();
        _kernel.Arch.SiMeminfo(si);
        uint blocks = si.TotalRam / 2, inodes = si.TotalRam / 2;

        // Port note: with CONFIG_TMPFS the options (size=, nr_inodes=, mode=, uid=, gid=) would be
        // parsed here by shmem_parse_options; the internal mount passes none, and tmpfs as a
        // mountable filesystem is not ported.

        sbinfo.MaxBlocks = blocks;
        sbinfo.FreeBlocks = blocks;
        sbinfo.MaxInodes = inodes;
        sbinfo.FreeInodes = inodes;
        sb.SMaxbytes = ShmemMaxBytes;
        sb.SBlocksize = PageSize;
        sb.SBlocksizeBits = PageShift;
        sb.SMagic = TmpfsMagic;
        sb.SOp = ShmemOps;
        Inode? inode = ShmemGetInode(sb, Inode.SIfdir | mode, 0);
        if (inode == null)
            return null;

        Dentry? root = _kernel.Dcache.DAllocRoot(inode);
        if (root == null)
        {
            _kernel.InodeCache.Iput(inode);
            return null;
        }
        sb.SRoot = root;
        return sb;
    }

    /// <summary>
    /// Boot-time set-up (an initcall): mounts the internal tmpfs instance that shared anonymous
    /// memory and SysV shared memory use, and lifts its size limits. Returns 0 or a negated errno.
    /// </summary>
    /// <remarks>Port note: registering the filesystem types (tmpfs, and shm under CONFIG_TMPFS)
    /// and the devfs directory belong to the VFS and are not modelled; the mount takes the type
    /// directly.</remarks>
    [Linux("mm/shmem.c", "init_shmem_fs")]
    public int InitShmemFs()
    {
        Vfsmount? res = _kernel.Super.KernMount(TmpfsFsType);
        if (res == null)
        {
            _kernel.Printk("could not kern_mount tmpfs");
            return -Errno.Enomem;
        }
        ShmMnt = res;

        // The internal instance has no limits of its own: vm_enough_memory is the check.
        int error = ShmemSetSize(ShmemSb(res.MntSb!), uint.MaxValue, uint.MaxValue);
        if (error != 0)
            _kernel.Printk("could not set limits on internal tmpfs");
        return 0;
    }

    /// <summary>
    /// An unlinked file of <paramref name="size"/> bytes in the internal instance, named
    /// <paramref name="name"/> (what /proc/&lt;pid&gt;/maps shows). Null with
    /// <paramref name="error"/> set: -EINVAL (too big), -ENOMEM (not enough memory to promise, no
    /// dentry), -ENFILE (no file), -ENOSPC (no inode).
    /// </summary>
    /// <param name="name">The dentry name.</param>
    /// <param name="size">The file's size.</param>
    /// <param name="error">The negated errno on failure.</param>
    [Linux("mm/shmem.c", "shmem_file_setup")]
    public File? ShmemFileSetup(string name, long size, out int error)
    {
        if ((ulong)size > ShmemMaxBytes)
        {
            error = -Errno.Einval;
            return null;
        }

        // The pages are promised now, as private writable memory is promised at mmap.
        if (!_kernel.Mmap.VmEnoughMemory(VmAcct(size)))
        {
            error = -Errno.Enomem;
            return null;
        }

        Dentry root = ShmMnt!.MntRoot!;
        Dentry? dentry = _kernel.Dcache.DAlloc(root, name);
        if (dentry == null)
        {
            error = -Errno.Enomem;
            return null;
        }

        error = -Errno.Enfile;
        File? file = _kernel.FileTable.GetEmptyFilp();
        if (file == null)
            goto put_dentry;

        error = -Errno.Enospc;
        Inode? inode = ShmemGetInode(root.DSb!, Inode.SIfreg | Inode.SIrwxugo, 0);
        if (inode == null)
            goto close_file;

        _kernel.Dcache.DInstantiate(dentry, inode);
        inode.ISize = size;
        inode.INlink = 0;   // unlinked: it dies with its last reference
        file.FVfsmnt = Vfsmount.Mntget(ShmMnt);
        file.FDentry = dentry;
        file.FOp = ShmemFileOperations;
        file.FMode = File.FmodeWrite | File.FmodeRead;
        error = 0;
        return file;

    close_file:
        _kernel.FileTable.PutFilp(file);
    put_dentry:
        _kernel.Dcache.Dput(dentry);
        return null;
    }

    /// <summary>
    /// Backs a new MAP_SHARED|MAP_ANONYMOUS region with a shmem file the size of the region, named
    /// "dev/zero": the region maps the file from offset 0 and faults through shmem_nopage. Returns
    /// 0 or a negated errno.
    /// </summary>
    /// <param name="vma">The region do_mmap_pgoff is setting up.</param>
    [Linux("mm/shmem.c", "shmem_zero_setup")]
    public int ShmemZeroSetup(VmAreaStruct vma)
    {
        long size = vma.VmEnd - vma.VmStart;

        File? file = ShmemFileSetup("dev/zero", size, out int error);
        if (file == null)
            return error;

        if (vma.VmFile != null)
            _kernel.FileTable.Fput(vma.VmFile);
        vma.VmFile = file;
        vma.VmOps = ShmemVmOps;
        return 0;
    }
}
