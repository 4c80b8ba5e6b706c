using LinuxVm.Mm.Include;

namespace LinuxVm.Mm.Fs;

/// <summary>
/// A file's in-memory inode, <c>struct inode</c> (include/linux/fs.h): its identity, size and
/// mode, its page cache (<see cref="IData"/>), and the filesystem's private part. Only the fields
/// that mm/ and the shared-memory filesystem use are modelled.
/// </summary>
/// <remarks>Port note: i_hash and i_list (the inode hash and the in-use, dirty and unused lists of
/// fs/inode.c), times, owners, quotas, locks, buffers and the device links are left out: no inode
/// here is ever looked up by number or written back.</remarks>
[Linux("include/linux/fs.h", "struct inode")]
public sealed class Inode
{
    /// <summary>Creates an inode in the state the inode cache's constructor leaves it (init_once): empty lists, a page cache with no pages, free semaphore.</summary>
    public Inode()
    {
        IDentry = new ListHead(this);
        IData = new AddressSpace();
        IMapping = IData;
    }

    /// <summary>The dentries naming this inode, linked through <see cref="Dentry.DAlias"/>.</summary>
    [Linux("include/linux/fs.h", "inode.i_dentry")]
    public ListHead IDentry { get; }

    /// <summary>The inode number.</summary>
    [Linux("include/linux/fs.h", "inode.i_ino")]
    public uint IIno { get; set; }

    /// <summary>References: dentries, and anyone between iget and iput.</summary>
    [Linux("include/linux/fs.h", "inode.i_count")]
    public int ICount;

    /// <summary>The device of the filesystem (copied from the superblock).</summary>
    [Linux("include/linux/fs.h", "inode.i_dev")]
    public ushort IDev { get; set; }

    /// <summary>File type (S_IF*) and permission bits.</summary>
    [Linux("include/linux/fs.h", "inode.i_mode")]
    public uint IMode { get; set; }

    /// <summary>Hard links: names in directories. Zero means the inode dies with its last reference.</summary>
    [Linux("include/linux/fs.h", "inode.i_nlink")]
    public uint INlink { get; set; }

    /// <summary>Device number of a device special file.</summary>
    [Linux("include/linux/fs.h", "inode.i_rdev")]
    public ushort IRdev { get; set; }

    /// <summary>Size in bytes.</summary>
    [Linux("include/linux/fs.h", "inode.i_size")]
    public long ISize { get; set; }

    /// <summary>log2 of the block size (copied from the superblock).</summary>
    [Linux("include/linux/fs.h", "inode.i_blkbits")]
    public uint IBlkbits { get; set; }

    /// <summary>Preferred I/O size in bytes.</summary>
    [Linux("include/linux/fs.h", "inode.i_blksize")]
    public uint IBlksize { get; set; }

    /// <summary>512-byte blocks the file occupies.</summary>
    [Linux("include/linux/fs.h", "inode.i_blocks")]
    public uint IBlocks { get; set; }

    /// <summary>The inode's methods (truncate).</summary>
    [Linux("include/linux/fs.h", "inode.i_op")]
    public InodeOperations? IOp { get; set; }

    /// <summary>The methods a file opened on this inode gets.</summary>
    [Linux("include/linux/fs.h", "inode.i_fop")]
    public FileOperations? IFop { get; set; }

    /// <summary>The filesystem the inode belongs to.</summary>
    [Linux("include/linux/fs.h", "inode.i_sb")]
    public SuperBlock? ISb { get; set; }

    /// <summary>The page cache the inode's data lives in: <see cref="IData"/> for ordinary files.</summary>
    [Linux("include/linux/fs.h", "inode.i_mapping")]
    public AddressSpace IMapping { get; set; }

    /// <summary>The inode's own page cache.</summary>
    [Linux("include/linux/fs.h", "inode.i_data")]
    public AddressSpace IData { get; }

    /// <summary>I_DIRTY_*, I_LOCK, I_FREEING, I_CLEAR.</summary>
    [Linux("include/linux/fs.h", "inode.i_state")]
    public uint IState { get; set; }

    /// <summary>S_APPEND, S_IMMUTABLE and the other per-inode flags.</summary>
    [Linux("include/linux/fs.h", "inode.i_flags")]
    public uint IFlags { get; set; }

    /// <summary>Writers (positive) or deniers of writing (negative, VM_DENYWRITE mappings of executables).</summary>
    [Linux("include/linux/fs.h", "inode.i_writecount")]
    public int IWritecount;

    /// <summary>The shared-memory filesystem's part of the per-filesystem union (<c>u.shmem_i</c>).</summary>
    /// <remarks>Port note: the union holds one member per filesystem; only shmem's exists here. The
    /// inode cache's constructor zeroes the union, which here means a fresh, empty info.</remarks>
    [Linux("include/linux/fs.h", "inode.u")]
    public ShmemInodeInfo ShmemI { get; set; } = new();

    /// <summary>Some dirt not needed for O_DATASYNC.</summary>
    [Linux("include/linux/fs.h", "I_DIRTY_SYNC")] public const uint IDirtySync = 1;
    /// <summary>Data-related changes pending.</summary>
    [Linux("include/linux/fs.h", "I_DIRTY_DATASYNC")] public const uint IDirtyDatasync = 2;
    /// <summary>Dirty pages in the page cache.</summary>
    [Linux("include/linux/fs.h", "I_DIRTY_PAGES")] public const uint IDirtyPages = 4;
    /// <summary>Being written or read.</summary>
    [Linux("include/linux/fs.h", "I_LOCK")] public const uint ILock = 8;
    /// <summary>Being destroyed.</summary>
    [Linux("include/linux/fs.h", "I_FREEING")] public const uint IFreeing = 16;
    /// <summary>clear_inode has run; the inode is dead.</summary>
    [Linux("include/linux/fs.h", "I_CLEAR")] public const uint IClear = 32;

    /// <summary>The file-type bits of i_mode.</summary>
    [Linux("include/linux/stat.h", "S_IFMT")] public const uint SIfmt = 0xF000;
    /// <summary>A symbolic link.</summary>
    [Linux("include/linux/stat.h", "S_IFLNK")] public const uint SIflnk = 0xA000;
    /// <summary>A regular file.</summary>
    [Linux("include/linux/stat.h", "S_IFREG")] public const uint SIfreg = 0x8000;
    /// <summary>A directory.</summary>
    [Linux("include/linux/stat.h", "S_IFDIR")] public const uint SIfdir = 0x4000;
    /// <summary>The sticky bit.</summary>
    [Linux("include/linux/stat.h", "S_ISVTX")] public const uint SIsvtx = 0x200;
    /// <summary>Read, write and execute for user, group and others (0777).</summary>
    [Linux("include/linux/stat.h", "S_IRWXUGO")] public const uint SIrwxugo = 0x1FF;
    /// <summary>i_flags bit: the file may only be appended to.</summary>
    [Linux("include/linux/fs.h", "S_APPEND")] public const uint SAppend = 8;

    /// <summary>Is <paramref name="mode"/> a regular file's?</summary>
    /// <param name="mode">An i_mode.</param>
    [Linux("include/linux/stat.h", "S_ISREG")]
    public static bool SIsreg(uint mode) => (mode & SIfmt) == SIfreg;

    /// <summary>Is the inode append-only?</summary>
    [Linux("include/linux/fs.h", "IS_APPEND")]
    public bool IsAppend => (IFlags & SAppend) != 0;

    /// <inheritdoc/>
    public override string ToString() => $"inode {IIno} count={ICount} nrpages={IData.NrPages}";
}
