using LinuxVm.Mm.Fs;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.KernelModel;
using static LinuxVm.Mm.Include.PageConstants;

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
/// <para>The class is split by the parts of the C file, in the C file's order. This file holds
/// the file's constants, its method tables and the list of shmem inodes. <c>Shmem.Index.cs</c>
/// holds the swap-entry index (finding, allocating and freeing entries) and truncation, up to
/// shmem_delete_inode; <c>Shmem.GetPage.cs</c> finding or making a page of a file and the mapping
/// methods (shmem_nopage, shmem_lock, shmem_mmap); <c>Shmem.Inode.cs</c> new inodes and an
/// instance's limits; <c>Shmem.Mount.cs</c> the superblock, the filesystem type and the boot-time
/// mount of the internal instance; <c>Shmem.Setup.cs</c> the unlinked files of shared anonymous
/// regions (shmem_file_setup, shmem_zero_setup).</para>
/// <para>Left for the swap port: the part between truncation and shmem_getpage_locked
/// (shmem_find_swp, shmem_unuse_inode and shmem_unuse for swapoff, shmem_writepage for moving a
/// page to the swap cache), and the swap-cache branch of shmem_getpage_locked. Without them no
/// entry is ever set, which is what 2.4 does on a machine with no swap.</para>
/// <para>Left for a tmpfs port: the CONFIG_TMPFS part, which makes tmpfs a mountable filesystem
/// (shmem_file_read and shmem_file_write, lookup, create, mkdir, link, unlink, rename, symlink,
/// statfs, mount options and remount). SysV shared memory (ipc/shm.c) is outside mm/.</para>
/// </remarks>
public sealed partial class Shmem
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

    /// <summary>Pages to account for a file of <paramref name="size"/> bytes.</summary>
    /// <param name="size">Bytes.</param>
    [Linux("mm/shmem.c", "VM_ACCT")]
    public static long VmAcct(long size) => (size + PageSize - 1) >> PageShift;

    /// <summary>The size a directory pretends each entry takes.</summary>
    [Linux("mm/shmem.c", "BOGO_DIRENT_SIZE")]
    public const int BogoDirentSize = 20;

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
}
