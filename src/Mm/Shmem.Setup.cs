using LinuxVm.Mm.Fs;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.KernelModel;
using File = LinuxVm.Mm.Fs.File;

namespace LinuxVm.Mm;

// mm/shmem.c, the last part (shmem_file_setup and shmem_zero_setup): an unlinked file on the
// internal mount, and a shared anonymous region backed by one.
public sealed partial class Shmem
{
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
