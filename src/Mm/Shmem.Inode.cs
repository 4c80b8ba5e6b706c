using LinuxVm.Mm.Fs;
using LinuxVm.Mm.KernelModel;
using static LinuxVm.Mm.Include.PageConstants;

namespace LinuxVm.Mm;

// mm/shmem.c, inodes and limits (shmem_get_inode and shmem_set_size): a new inode is charged to
// its instance and given the methods of its type, and an instance's page and inode limits are
// changed without losing count of what is in use.
public sealed partial class Shmem
{
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
}
