namespace LinuxVm.Mm.Fs;

/// <summary>
/// The part of fs/file_table.c that mm/ needs: handing out a fresh <see cref="File"/> and dropping
/// references to one, which on the last reference releases its dentry and mount.
/// </summary>
/// <remarks>Port note: 2.4 recycles released files through a free list and keeps a few in reserve
/// for root; here a released file is simply dropped, and <see cref="NrFiles"/> counts the live
/// ones against <see cref="MaxFiles"/>. File locks (locks_remove_flock) and O_DIRECT buffers
/// (f_iobuf) are not modelled.</remarks>
public sealed class FileTable
{
    private readonly Kernel _kernel;

    /// <summary>Creates the file table of <paramref name="kernel"/>.</summary>
    /// <param name="kernel">The kernel that owns it.</param>
    public FileTable(Kernel kernel) => _kernel = kernel;

    /// <summary>Open files in the system (<c>files_stat.nr_files</c>, here the live ones).</summary>
    [Linux("include/linux/fs.h", "files_stat_struct.nr_files")]
    public int NrFiles { get; private set; }

    /// <summary>Most open files the system allows (<c>files_stat.max_files</c>, NR_FILE by default).</summary>
    [Linux("include/linux/fs.h", "files_stat_struct.max_files")]
    public int MaxFiles { get; set; } = NrFile;

    /// <summary>The default limit on open files.</summary>
    [Linux("include/linux/fs.h", "NR_FILE")]
    public const int NrFile = 8192;

    /// <summary>A new file with one reference, or null when the limit is reached.</summary>
    [Linux("fs/file_table.c", "get_empty_filp")]
    public File? GetEmptyFilp()
    {
        if (NrFiles >= MaxFiles)
        {
            _kernel.Printk($"VFS: file-max limit {MaxFiles} reached");
            return null;
        }
        NrFiles++;
        return new File { FCount = 1 };
    }

    /// <summary>
    /// Drops a reference to <paramref name="file"/>. The last one calls the release method, gives
    /// back write access, and drops the file's dentry and mount (which may free the inode and,
    /// with it, its page cache).
    /// </summary>
    /// <param name="file">The file.</param>
    [Linux("fs/file_table.c", "fput")]
    public void Fput(File file)
    {
        Dentry dentry = file.FDentry!;
        Vfsmount? mnt = file.FVfsmnt;
        Inode? inode = dentry.DInode;

        if (--file.FCount != 0)
            return;
        file.FOp?.Release?.Invoke(inode!, file);
        if ((file.FMode & File.FmodeWrite) != 0)
            PutWriteAccess(inode!);
        file.FDentry = null;
        file.FVfsmnt = null;
        NrFiles--;
        _kernel.Dcache.Dput(dentry);
        Vfsmount.Mntput(mnt);
    }

    /// <summary>Drops a reference to a file that never got a dentry (a failed open).</summary>
    /// <param name="file">The file.</param>
    [Linux("fs/file_table.c", "put_filp")]
    public void PutFilp(File file)
    {
        if (--file.FCount == 0)
            NrFiles--;
    }

    // One writer fewer on the inode.
    [Linux("include/linux/fs.h", "put_write_access")]
    private static void PutWriteAccess(Inode inode) => inode.IWritecount--;
}
