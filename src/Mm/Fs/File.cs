using LinuxVm.Mm.Sim;

namespace LinuxVm.Mm.Fs;

/// <summary>
/// An open file, <c>struct file</c> (include/linux/fs.h): what a descriptor or a mapping holds on
/// to. Only the fields mm/ reads are modelled: the reference count, the dentry it was opened
/// through, the mount, the operations and the open mode.
/// </summary>
/// <remarks>Port note: f_list (the superblock's open-file list), f_pos, the read-ahead window,
/// f_owner, credentials and private_data belong to the VFS proper and are left out.</remarks>
[Linux("include/linux/fs.h", "struct file")]
public sealed class File
{
    /// <summary>The dentry the file was opened through.</summary>
    [Linux("include/linux/fs.h", "file.f_dentry")]
    public Dentry? FDentry { get; set; }

    /// <summary>The mount the dentry was reached on.</summary>
    [Linux("include/linux/fs.h", "file.f_vfsmnt")]
    public Vfsmount? FVfsmnt { get; set; }

    /// <summary>The file's methods (mmap, release).</summary>
    [Linux("include/linux/fs.h", "file.f_op")]
    public FileOperations? FOp { get; set; }

    /// <summary>References: descriptors and mappings that hold the file. The last <see cref="FileTable.Fput"/> releases it.</summary>
    [Linux("include/linux/fs.h", "file.f_count")]
    public int FCount;

    /// <summary>The O_* flags it was opened with.</summary>
    [Linux("include/linux/fs.h", "file.f_flags")]
    public uint FFlags { get; set; }

    /// <summary>FMODE_READ and FMODE_WRITE.</summary>
    [Linux("include/linux/fs.h", "file.f_mode")]
    public uint FMode { get; set; }

    /// <summary>Opened for reading.</summary>
    [Linux("include/linux/fs.h", "FMODE_READ")] public const uint FmodeRead = 1;

    /// <summary>Opened for writing.</summary>
    [Linux("include/linux/fs.h", "FMODE_WRITE")] public const uint FmodeWrite = 2;

    /// <summary>Takes one more reference on the file (a mapping copied by fork or split in two).</summary>
    [Linux("include/linux/fs.h", "get_file")]
    public void GetFile() => FCount++;

    /// <inheritdoc/>
    public override string ToString() => $"file {FDentry?.DName} count={FCount}";
}

/// <summary>
/// A mounted filesystem, <c>struct vfsmount</c> (include/linux/mount.h): where a superblock's tree
/// hangs in the namespace. The internal mounts (shm) hang from themselves.
/// </summary>
[Linux("include/linux/mount.h", "struct vfsmount")]
public sealed class Vfsmount
{
    /// <summary>The mount this one sits on; itself for a mount outside the namespace.</summary>
    [Linux("include/linux/mount.h", "vfsmount.mnt_parent")]
    public Vfsmount? MntParent { get; set; }

    /// <summary>The dentry it is mounted on (its own root for an internal mount).</summary>
    [Linux("include/linux/mount.h", "vfsmount.mnt_mountpoint")]
    public Dentry? MntMountpoint { get; set; }

    /// <summary>The root of the mounted tree.</summary>
    [Linux("include/linux/mount.h", "vfsmount.mnt_root")]
    public Dentry? MntRoot { get; set; }

    /// <summary>The filesystem instance.</summary>
    [Linux("include/linux/mount.h", "vfsmount.mnt_sb")]
    public SuperBlock? MntSb { get; set; }

    /// <summary>References: the namespace and every open file on the mount.</summary>
    [Linux("include/linux/mount.h", "vfsmount.mnt_count")]
    public int MntCount;

    /// <summary>The device name given to mount.</summary>
    [Linux("include/linux/mount.h", "vfsmount.mnt_devname")]
    public string? MntDevname { get; set; }

    /// <summary>Takes a reference on the mount; null passes through.</summary>
    /// <param name="mnt">The mount, or null.</param>
    [Linux("include/linux/mount.h", "mntget")]
    public static Vfsmount? Mntget(Vfsmount? mnt)
    {
        if (mnt != null)
            mnt.MntCount++;
        return mnt;
    }

    /// <summary>Drops a reference on the mount.</summary>
    /// <param name="mnt">The mount, or null.</param>
    /// <remarks>Port note: the last reference would unmount (__mntput, fs/namespace.c); the only
    /// mount modelled is shm's, which its own reference keeps for the machine's life.</remarks>
    [Linux("include/linux/mount.h", "mntput")]
    public static void Mntput(Vfsmount? mnt)
    {
        if (mnt != null && --mnt.MntCount == 0)
            throw new NotSupportedException("__mntput: unmounting is not modelled");
    }
}

/// <summary>
/// A mounted filesystem instance, <c>struct super_block</c> (include/linux/fs.h), with the fields
/// the shared-memory filesystem sets and reads.
/// </summary>
[Linux("include/linux/fs.h", "struct super_block")]
public sealed class SuperBlock
{
    /// <summary>The device number its inodes report (an unnamed device, major 0, for shm).</summary>
    [Linux("include/linux/fs.h", "super_block.s_dev")]
    public ushort SDev { get; set; }

    /// <summary>Block size in bytes.</summary>
    [Linux("include/linux/fs.h", "super_block.s_blocksize")]
    public uint SBlocksize { get; set; }

    /// <summary>log2 of <see cref="SBlocksize"/>.</summary>
    [Linux("include/linux/fs.h", "super_block.s_blocksize_bits")]
    public byte SBlocksizeBits { get; set; }

    /// <summary>Largest file size the filesystem supports.</summary>
    [Linux("include/linux/fs.h", "super_block.s_maxbytes")]
    public ulong SMaxbytes { get; set; }

    /// <summary>The filesystem's magic number (what statfs reports).</summary>
    [Linux("include/linux/fs.h", "super_block.s_magic")]
    public uint SMagic { get; set; }

    /// <summary>MS_* flags.</summary>
    [Linux("include/linux/fs.h", "super_block.s_flags")]
    public uint SFlags { get; set; }

    /// <summary>The superblock's methods.</summary>
    [Linux("include/linux/fs.h", "super_block.s_op")]
    public SuperOperations? SOp { get; set; }

    /// <summary>The root dentry.</summary>
    [Linux("include/linux/fs.h", "super_block.s_root")]
    public Dentry? SRoot { get; set; }

    /// <summary>The shared-memory filesystem's part of the per-filesystem union (<c>u.shmem_sb</c>).</summary>
    /// <remarks>Port note: the union holds one member per filesystem; only shmem's exists here.</remarks>
    [Linux("include/linux/fs.h", "super_block.u")]
    public ShmemSbInfo? ShmemSb { get; set; }

    /// <summary>Mounted: the superblock is live (set once read_super succeeded).</summary>
    [Linux("include/linux/fs.h", "MS_ACTIVE")] public const uint MsActive = 1u << 30;

    /// <summary>Not mountable from user space (the internal tmpfs instance).</summary>
    [Linux("include/linux/fs.h", "MS_NOUSER")] public const uint MsNouser = 1u << 31;
}
