using LinuxVm.Mm.Fs;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.KernelModel;
using static LinuxVm.Mm.Include.PageConstants;

namespace LinuxVm.Mm;

// mm/shmem.c, the filesystem (from shmem_read_super to init_shmem_fs), after the CONFIG_TMPFS
// part: filling in a new instance's superblock and root directory, the tmpfs filesystem type, and
// the boot-time mount of the internal instance.
public sealed partial class Shmem
{
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

    /// <summary>The tmpfs filesystem type (FS_LITTER; with CONFIG_TMPFS, as the i386 defconfig has, it is also user-mountable).</summary>
    [Linux("mm/shmem.c", "tmpfs_fs_type")]
    public FileSystemType TmpfsFsType { get; }

    /// <summary>The internal mount that holds every shared anonymous region's file.</summary>
    [Linux("mm/shmem.c", "shm_mnt")]
    public Vfsmount? ShmMnt { get; private set; }

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
}
