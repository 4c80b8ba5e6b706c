using LinuxVm.Mm.Fs;

namespace LinuxVm.Mm;

// The page cache (mm/filemap.c), the shared-memory filesystem (mm/shmem.c), and the small model
// of fs/ they stand on: open files, dentries, inodes and the internal mount.
public sealed partial class Kernel
{
    private FileTable? _fileTable;
    private Dcache? _dcache;
    private InodeCache? _inodeCache;
    private Super? _super;
    private Filemap? _filemap;
    private Shmem? _shmem;

    /// <summary>fs/file_table.c: open files.</summary>
    public FileTable FileTable => _fileTable ??= new FileTable(this);

    /// <summary>fs/dcache.c: dentries.</summary>
    public Dcache Dcache => _dcache ??= new Dcache(this);

    /// <summary>fs/inode.c: inodes.</summary>
    public InodeCache InodeCache => _inodeCache ??= new InodeCache(this);

    /// <summary>fs/super.c: superblocks and internal mounts.</summary>
    public Super Super => _super ??= new Super(this);

    /// <summary>mm/filemap.c: the page cache.</summary>
    /// <remarks>Created on first use; from then on a dirty page-cache page moves to its mapping's
    /// dirty list when a pte passes its dirty bit on, and /proc/meminfo and vm_enough_memory see
    /// the real page_cache_size. The boot code calls <see cref="Filemap.PageCacheInit"/>.</remarks>
    public Filemap Filemap => _filemap ??= CreateFilemap();

    private Filemap CreateFilemap()
    {
        var filemap = new Filemap(this);
        Memory.SetPageDirty = filemap.SetPageDirty;
        // Port note: the swap cache (swapper_space.nrpages) arrives with the swap port; it reads 0.
        ProcMisc.PageCacheCounts = () => (filemap.PageCacheSize, 0);
        return filemap;
    }

    /// <summary>mm/shmem.c: shared anonymous memory (and, later, tmpfs and SysV shared memory).</summary>
    /// <remarks>Created on first use, which mounts the internal shm filesystem (init_shmem_fs);
    /// the boot code touches it where 2.4 runs its initcalls.</remarks>
    public Shmem Shmem => _shmem ??= CreateShmem();

    private Shmem CreateShmem()
    {
        var shmem = new Shmem(this);
        _shmem = shmem;
        int err = shmem.InitShmemFs();
        if (err != 0)
            throw new InvalidOperationException($"init_shmem_fs failed: {err}");
        return shmem;
    }
}
