using LinuxVm.Mm.Fs;

namespace LinuxVm.Mm;

// The page cache (mm/filemap.c), the shared-memory filesystem (mm/shmem.c), the files of reclaim
// and swap that are not ported yet, and the small model of fs/ they stand on: open files,
// dentries, inodes and the internal mount. The constructor in Kernel.cs creates them all.
public sealed partial class Kernel
{
    /// <summary>fs/file_table.c: open files.</summary>
    public FileTable FileTable { get; }

    /// <summary>fs/dcache.c: dentries.</summary>
    public Dcache Dcache { get; }

    /// <summary>fs/inode.c: inodes.</summary>
    public InodeCache InodeCache { get; }

    /// <summary>fs/super.c: superblocks and internal mounts.</summary>
    public Super Super { get; }

    /// <summary>mm/filemap.c: the page cache.</summary>
    /// <remarks>The boot code sizes its hash table (<see cref="Filemap.PageCacheInit"/>).</remarks>
    public Filemap Filemap { get; }

    /// <summary>mm/shmem.c: shared anonymous memory (and, later, tmpfs and SysV shared memory).</summary>
    /// <remarks>The boot code mounts the internal shm filesystem (<see cref="Shmem.InitShmemFs"/>)
    /// where 2.4 runs its initcalls.</remarks>
    public Shmem Shmem { get; }

    /// <summary>mm/swap.c: the LRU lists (not ported yet).</summary>
    public Swap Swap { get; }

    /// <summary>mm/vmscan.c: page reclaim and kswapd (not ported yet).</summary>
    public Vmscan Vmscan { get; }

    /// <summary>mm/swap_state.c: the swap cache (not ported yet).</summary>
    public SwapState SwapState { get; }

    /// <summary>mm/swapfile.c: swap areas and slots (not ported yet).</summary>
    public Swapfile Swapfile { get; }

    /// <summary>mm/page_io.c: swap I/O (not ported yet).</summary>
    public PageIo PageIo { get; }
}
