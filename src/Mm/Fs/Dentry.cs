using LinuxVm.Mm.Include;

namespace LinuxVm.Mm.Fs;

/// <summary>
/// A name in the directory cache, <c>struct dentry</c> (include/linux/dcache.h): it binds a name
/// under a parent to an inode. Files are opened through dentries, and /proc/&lt;pid&gt;/maps prints
/// a mapped file's path by walking them up to the root.
/// </summary>
/// <remarks>Port note: d_name is a <c>struct qstr</c> (name, length, hash); the port keeps the
/// name as a string, and no hash is ever computed because nothing is looked up by name. d_lru,
/// d_op, d_fsdata and the mount count are left out.</remarks>
[Linux("include/linux/dcache.h", "struct dentry")]
public sealed class Dentry
{
    /// <summary>Creates an unlinked dentry; <see cref="Dcache.DAlloc"/> fills it in.</summary>
    public Dentry()
    {
        DHash = new ListHead(this);
        DChild = new ListHead(this);
        DSubdirs = new ListHead(this);
        DAlias = new ListHead(this);
    }

    /// <summary>References held on the dentry.</summary>
    [Linux("include/linux/dcache.h", "dentry.d_count")]
    public int DCount;

    /// <summary>The inode the name stands for, or null for a negative dentry.</summary>
    [Linux("include/linux/dcache.h", "dentry.d_inode")]
    public Inode? DInode { get; set; }

    /// <summary>The parent directory's dentry; the dentry itself for a root.</summary>
    [Linux("include/linux/dcache.h", "dentry.d_parent")]
    public Dentry? DParent { get; set; }

    /// <summary>Links the dentry on a hash chain of the dcache; empty while it is unhashed (deleted or never looked up).</summary>
    [Linux("include/linux/dcache.h", "dentry.d_hash")]
    public ListHead DHash { get; }

    /// <summary>Links the dentry on its parent's <see cref="DSubdirs"/>.</summary>
    [Linux("include/linux/dcache.h", "dentry.d_child")]
    public ListHead DChild { get; }

    /// <summary>The dentries below this one.</summary>
    [Linux("include/linux/dcache.h", "dentry.d_subdirs")]
    public ListHead DSubdirs { get; }

    /// <summary>Links the dentry on its inode's <see cref="Inode.IDentry"/> list.</summary>
    [Linux("include/linux/dcache.h", "dentry.d_alias")]
    public ListHead DAlias { get; }

    /// <summary>The name within the parent.</summary>
    [Linux("include/linux/dcache.h", "dentry.d_name")]
    public string DName { get; set; } = "";

    /// <summary>The superblock of the filesystem the dentry belongs to.</summary>
    [Linux("include/linux/dcache.h", "dentry.d_sb")]
    public SuperBlock? DSb { get; set; }

    /// <summary>Is the dentry the root of its tree (its own parent)?</summary>
    [Linux("include/linux/dcache.h", "IS_ROOT")]
    public bool IsRoot => DParent == this;

    /// <summary>Is the dentry off the hash chains (deleted, or never entered)?</summary>
    [Linux("include/linux/dcache.h", "d_unhashed")]
    public bool DUnhashed => DHash.IsEmpty;

    /// <summary>Takes a reference on the dentry; null passes through.</summary>
    /// <param name="dentry">The dentry, or null.</param>
    [Linux("include/linux/dcache.h", "dget")]
    public static Dentry? Dget(Dentry? dentry)
    {
        if (dentry != null)
        {
            KernelPanicException.BugOn(dentry.DCount == 0, "!atomic_read(&dentry->d_count)", "dget");
            dentry.DCount++;
        }
        return dentry;
    }

    /// <inheritdoc/>
    public override string ToString() => $"dentry '{DName}' count={DCount}";
}
