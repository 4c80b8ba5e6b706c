using LinuxVm.Mm.KernelModel;
using LinuxVm.Mm.Sim;

namespace LinuxVm.Mm.Fs;

/// <summary>
/// A kind of filesystem, <c>struct file_system_type</c> (include/linux/fs.h): its name, its
/// FS_* flags, and the function that fills in a new superblock.
/// </summary>
[Linux("include/linux/fs.h", "struct file_system_type")]
public sealed class FileSystemType
{
    /// <summary>The name mount knows it by.</summary>
    [Linux("include/linux/fs.h", "file_system_type.name")]
    public required string Name { get; init; }

    /// <summary>FS_* flags.</summary>
    [Linux("include/linux/fs.h", "file_system_type.fs_flags")]
    public uint FsFlags { get; init; }

    /// <summary>Fills in a superblock (data: mount options; silent: no complaints). Returns it, or null on failure.</summary>
    [Linux("include/linux/fs.h", "file_system_type.read_super")]
    public required Func<SuperBlock, string?, int, SuperBlock?> ReadSuper { get; init; }

    /// <summary>Never mounted from user space.</summary>
    [Linux("include/linux/fs.h", "FS_NOMOUNT")] public const uint FsNomount = 16;

    /// <summary>Keeps its whole tree in the dcache.</summary>
    [Linux("include/linux/fs.h", "FS_LITTER")] public const uint FsLitter = 32;
}

/// <summary>
/// The part of fs/super.c that mm/ needs: mounting a filesystem that has no device (kern_mount),
/// which gives its superblock an unnamed device number, major 0.
/// </summary>
/// <remarks>Port note: only device-less filesystems are modelled; no filesystem type registry
/// (the type is passed in), no unmounting.</remarks>
public sealed class Super
{
    private readonly Kernel _kernel;

    /// <summary>Creates the superblock state of <paramref name="kernel"/>.</summary>
    /// <param name="kernel">The kernel that owns it.</param>
    public Super(Kernel kernel) => _kernel = kernel;

    /// <summary>How many unnamed devices there are: minors 0 to 255 of major 0.</summary>
    [Linux("fs/super.c", "Max_anon")]
    public const int MaxAnon = 256;

    /// <summary>Which unnamed device minors are taken.</summary>
    /// <remarks>Port note: a C bitmap of 256 bits in kernel data; here an array of flags.</remarks>
    [Linux("fs/super.c", "unnamed_dev_in_use")]
    public bool[] UnnamedDevInUse { get; } = new bool[MaxAnon];

    private readonly SpinLock _unnamedDevLock = new("unnamed_dev_lock");

    /// <summary>
    /// A new superblock of <paramref name="type"/> with the lowest free unnamed device number, or
    /// null when all 256 are taken (the kernel's -EMFILE).
    /// </summary>
    /// <param name="type">The filesystem type.</param>
    /// <remarks>Port note: the compare callback that lets a caller reuse an existing superblock
    /// is not needed by get_sb_nodev, which passes none.</remarks>
    [Linux("fs/super.c", "get_anon_super")]
    public SuperBlock? GetAnonSuper(FileSystemType type)
    {
        var s = new SuperBlock();
        _unnamedDevLock.Lock();
        int dev = Array.IndexOf(UnnamedDevInUse, false);   // find_first_zero_bit
        if (dev < 0)
        {
            _unnamedDevLock.Unlock();
            return null;
        }
        UnnamedDevInUse[dev] = true;
        _unnamedDevLock.Unlock();
        s.SDev = (ushort)dev;
        return s;
    }

    // A superblock for a filesystem with no device: a fresh one, filled in by the type's read_super.
    [Linux("fs/super.c", "get_sb_nodev")]
    private SuperBlock? GetSbNodev(FileSystemType fsType, uint flags, string? data)
    {
        SuperBlock? s = GetAnonSuper(fsType);
        if (s == null)
            return null;
        s.SFlags = flags;
        if (fsType.ReadSuper(s, data, 0) == null)
        {
            UnnamedDevInUse[s.SDev] = false;   // put_anon_dev
            return null;
        }
        s.SFlags |= SuperBlock.MsActive;
        return s;
    }

    /// <summary>
    /// Mounts <paramref name="type"/> for the kernel's own use: the mount hangs from nothing (its
    /// own parent) and is reachable only through the returned pointer. Null on failure.
    /// </summary>
    /// <param name="type">The filesystem type.</param>
    /// <param name="flags">MS_* flags.</param>
    /// <param name="name">The device name recorded in the mount.</param>
    /// <param name="data">Mount options.</param>
    [Linux("fs/super.c", "do_kern_mount")]
    public Vfsmount? DoKernMount(FileSystemType type, uint flags, string name, string? data)
    {
        var mnt = new Vfsmount { MntCount = 1, MntDevname = name };   // alloc_vfsmnt
        SuperBlock? sb = GetSbNodev(type, flags, data);
        if (sb == null)
            return null;
        if ((type.FsFlags & FileSystemType.FsNomount) != 0)
            sb.SFlags |= SuperBlock.MsNouser;
        mnt.MntSb = sb;
        mnt.MntRoot = Dentry.Dget(sb.SRoot);
        mnt.MntMountpoint = sb.SRoot;
        mnt.MntParent = mnt;
        return mnt;
    }

    /// <summary>Mounts <paramref name="type"/> for the kernel's own use (see <see cref="DoKernMount"/>).</summary>
    /// <param name="type">The filesystem type.</param>
    [Linux("fs/super.c", "kern_mount")]
    public Vfsmount? KernMount(FileSystemType type) => DoKernMount(type, 0, type.Name, null);
}
