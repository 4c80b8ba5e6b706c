namespace LinuxVm.Mm.Fs;

/// <summary>
/// The part of fs/dcache.c that mm/ needs: making dentries, binding them to inodes, dropping
/// references (the last one frees the dentry and lets go of its inode), and turning a dentry back
/// into a path for /proc/&lt;pid&gt;/maps.
/// </summary>
/// <remarks>Port note: the dcache's hash table, its LRU of unused dentries and lookup by name
/// are not modelled: no dentry here is ever hashed, so the last dput always frees it (what 2.4
/// does with an unhashed dentry), and every dentry prints as deleted.</remarks>
public sealed class Dcache
{
    private readonly Kernel _kernel;

    /// <summary>Creates the dentry cache of <paramref name="kernel"/>.</summary>
    /// <param name="kernel">The kernel that owns it.</param>
    public Dcache(Kernel kernel) => _kernel = kernel;

    /// <summary>Dentries in existence (<c>dentry_stat.nr_dentry</c>).</summary>
    [Linux("include/linux/dcache.h", "dentry_stat_t.nr_dentry")]
    public int NrDentry { get; private set; }

    // The dentry's memory goes back to dentry_cache.
    [Linux("fs/dcache.c", "d_free")]
    private void DFree(Dentry dentry) => NrDentry--;

    // Unbinds the inode from a dying dentry and drops the reference the dentry held on it.
    [Linux("fs/dcache.c", "dentry_iput")]
    private void DentryIput(Dentry dentry)
    {
        Inode? inode = dentry.DInode;
        if (inode != null)
        {
            dentry.DInode = null;
            dentry.DAlias.DelInit();
            _kernel.InodeCache.Iput(inode);
        }
    }

    /// <summary>
    /// Drops a reference to <paramref name="dentry"/>. When it was the last and the dentry is
    /// unhashed, the dentry dies: its inode reference goes, and the reference it held on its
    /// parent is dropped in turn.
    /// </summary>
    /// <param name="dentry">The dentry, or null.</param>
    [Linux("fs/dcache.c", "dput")]
    public void Dput(Dentry? dentry)
    {
        if (dentry == null)
            return;
    repeat:
        if (--dentry.DCount != 0)
            return;
        // Port note: d_op->d_delete and the unused list of hashed dentries are not modelled; no
        // dentry here is hashed, so it is killed at once.
        if (!dentry.DUnhashed)
            throw new NotSupportedException("dput: hashed dentries are not modelled");

        // kill_it:
        dentry.DChild.Del();
        DentryIput(dentry);
        Dentry parent = dentry.DParent!;
        DFree(dentry);
        if (dentry == parent)
            return;
        dentry = parent;
        goto repeat;
    }

    /// <summary>
    /// A new dentry called <paramref name="name"/> under <paramref name="parent"/> (which gets a
    /// reference), with one reference and no inode yet.
    /// </summary>
    /// <param name="parent">The parent directory's dentry, or null for a root.</param>
    /// <param name="name">The name.</param>
    /// <remarks>Port note: a name longer than the inline 16 bytes would be kmalloc'ed; the string
    /// needs no such care.</remarks>
    [Linux("fs/dcache.c", "d_alloc")]
    public Dentry? DAlloc(Dentry? parent, string name)
    {
        var dentry = new Dentry { DCount = 1, DName = name };
        if (parent != null)
        {
            dentry.DParent = Dentry.Dget(parent);
            dentry.DSb = parent.DSb;
            parent.DSubdirs.Add(dentry.DChild);
        }
        NrDentry++;
        return dentry;
    }

    /// <summary>Binds <paramref name="entry"/> to <paramref name="inode"/> (whose reference it takes over).</summary>
    /// <param name="entry">A dentry with no inode.</param>
    /// <param name="inode">The inode, or null for a negative dentry.</param>
    [Linux("fs/dcache.c", "d_instantiate")]
    public void DInstantiate(Dentry entry, Inode? inode)
    {
        KernelPanicException.BugOn(!entry.DAlias.IsEmpty, "!list_empty(&entry->d_alias)", "d_instantiate");
        if (inode != null)
            inode.IDentry.Add(entry.DAlias);
        entry.DInode = inode;
    }

    /// <summary>The root dentry "/" of a new filesystem, bound to <paramref name="rootInode"/>; null if there is no inode.</summary>
    /// <param name="rootInode">The filesystem's root directory inode.</param>
    [Linux("fs/dcache.c", "d_alloc_root")]
    public Dentry? DAllocRoot(Inode? rootInode)
    {
        Dentry? res = null;
        if (rootInode != null)
        {
            res = DAlloc(null, "/");
            if (res != null)
            {
                res.DSb = rootInode.ISb;
                res.DParent = res;
                DInstantiate(res, rootInode);
            }
        }
        return res;
    }

    /// <summary>
    /// The path of <paramref name="dentry"/> on <paramref name="vfsmnt"/> as seen from
    /// <paramref name="root"/> on <paramref name="rootmnt"/>: names are collected from the dentry
    /// up, crossing mounts to their mount points, until the root (or the top of a mount tree that
    /// hangs from nothing). A dentry that is no longer hashed gets " (deleted)" after it.
    /// </summary>
    /// <param name="dentry">The dentry.</param>
    /// <param name="vfsmnt">The mount it was reached on.</param>
    /// <param name="root">The caller's root.</param>
    /// <param name="rootmnt">The mount of the caller's root.</param>
    /// <remarks>Port note: C fills a caller's buffer from its end and may run out of room; the
    /// string here grows as needed.</remarks>
    [Linux("fs/dcache.c", "__d_path")]
    public static string DPathCore(Dentry dentry, Vfsmount vfsmnt, Dentry? root, Vfsmount? rootmnt)
    {
        string end = "";
        if (!dentry.IsRoot && dentry.DUnhashed)
            end = " (deleted)";

        string path = "";
        for (; ; )
        {
            if (dentry == root && vfsmnt == rootmnt)
                break;
            if (dentry == vfsmnt.MntRoot || dentry.IsRoot)
            {
                // The top of a mount tree that hangs from nothing: its root's own name takes the
                // place of the leading slash.
                if (vfsmnt.MntParent == vfsmnt)
                    return (path.Length == 0 ? dentry.DName : dentry.DName + path[1..]) + end;
                dentry = vfsmnt.MntMountpoint!;
                vfsmnt = vfsmnt.MntParent!;
                continue;
            }
            path = "/" + dentry.DName + path;
            dentry = dentry.DParent!;
        }
        return (path.Length == 0 ? "/" : path) + end;
    }

    /// <summary>
    /// The path of <paramref name="dentry"/> on <paramref name="vfsmnt"/> as the current task sees
    /// it (include/linux/sched.h: __d_path from the task's root).
    /// </summary>
    /// <param name="dentry">The dentry.</param>
    /// <param name="vfsmnt">Its mount.</param>
    /// <remarks>Port note: the task's fs->root and fs->rootmnt are not modelled (there is no
    /// mounted root filesystem); no dentry can equal them, which is what a mount outside the
    /// namespace, such as shm's, meets anyway.</remarks>
    [Linux("include/linux/sched.h", "d_path")]
    public static string DPath(Dentry dentry, Vfsmount vfsmnt) => DPathCore(dentry, vfsmnt, null, null);
}
