using LinuxVm.Mm.Fs;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.KernelModel;
using static LinuxVm.Mm.Include.PageConstants;
using static LinuxVm.Mm.Include.PageFlags;
using File = LinuxVm.Mm.Fs.File;

namespace LinuxVm.Mm;

// mm/shmem.c, the pages of a file and its mappings (from shmem_getpage_locked to shmem_mmap): a
// page is found in the file's page cache or made there, and a region that maps the file gets its
// pages through shmem_nopage; shmem_lock marks a file's pages as not to be written to swap
// (SHM_LOCK), and shmem_mmap gives a region that maps a regular file the shmem methods.
public sealed partial class Shmem
{
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
}
