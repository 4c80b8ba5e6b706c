using LinuxVm.Mm.Include;

namespace LinuxVm.Mm.Fs;

/// <summary>
/// The part of fs/inode.c that mm/ needs: making a fresh inode for a filesystem, marking its page
/// cache dirty, and the last <see cref="Iput"/>, which empties an unlinked inode's page cache and
/// has the filesystem delete it.
/// </summary>
/// <remarks>Port note: the inode hash, the in-use, unused and dirty lists, writeback, quotas and
/// pruning are not modelled: every inode here belongs to an internal filesystem that never
/// hashes it, so it lives exactly as long as its references. The class is named for the cache
/// because <see cref="Inode"/> is the structure.</remarks>
public sealed class InodeCache
{
    private readonly Kernel _kernel;

    /// <summary>Creates the inode cache of <paramref name="kernel"/>.</summary>
    /// <param name="kernel">The kernel that owns it.</param>
    public InodeCache(Kernel kernel) => _kernel = kernel;

    /// <summary>Inodes in existence (<c>inodes_stat.nr_inodes</c>).</summary>
    [Linux("fs/inode.c", "inodes_stat")]
    public int NrInodes { get; private set; }

    /// <summary>
    /// The last inode number handed out by get_empty_inode (its function-local static). Port note:
    /// on a PC the pipes, sockets and /proc files made before the first shmem file draw from the
    /// same counter; here only shmem does, so its numbers start at 1.
    /// </summary>
    public uint LastIno { get; private set; }

    /// <summary>
    /// Marks <paramref name="inode"/> dirty in the ways <paramref name="flags"/> says (I_DIRTY_*).
    /// Only a hashed inode also goes on its superblock's dirty list for writeback.
    /// </summary>
    /// <param name="inode">The inode.</param>
    /// <param name="flags">I_DIRTY_SYNC, I_DIRTY_DATASYNC, I_DIRTY_PAGES.</param>
    /// <remarks>Port note: no superblock here has a dirty_inode method and no inode is hashed, so
    /// setting the state bits is all there is to do.</remarks>
    [Linux("fs/inode.c", "__mark_inode_dirty")]
    public static void MarkInodeDirtyCore(Inode inode, uint flags)
    {
        if (inode.ISb == null)
            return;
        if ((inode.IState & flags) == flags)
            return;
        inode.IState |= flags;
    }

    /// <summary>Marks the inode as having dirty pages in its page cache.</summary>
    /// <param name="inode">The inode.</param>
    [Linux("include/linux/fs.h", "mark_inode_dirty_pages")]
    public static void MarkInodeDirtyPages(Inode inode) => MarkInodeDirtyCore(inode, Inode.IDirtyPages);

    /// <summary>
    /// Tears the inode down for good: its page cache must be empty by now. Afterwards the inode is
    /// I_CLEAR and must not be used again.
    /// </summary>
    /// <param name="inode">An inode being freed (I_FREEING).</param>
    [Linux("fs/inode.c", "clear_inode")]
    public static void ClearInode(Inode inode)
    {
        // Port note: invalidate_inode_buffers, wait_on_inode and DQUOT_DROP have nothing to act on:
        // no buffers, no I_LOCK holders, no quotas.
        if (inode.IData.NrPages != 0)
            throw new KernelPanicException("inode->i_data.nrpages", "clear_inode");
        if ((inode.IState & Inode.IFreeing) == 0)
            throw new KernelPanicException("!(inode->i_state & I_FREEING)", "clear_inode");
        if ((inode.IState & Inode.IClear) != 0)
            throw new KernelPanicException("inode->i_state & I_CLEAR", "clear_inode");
        inode.ISb?.SOp?.ClearInode?.Invoke(inode);
        inode.IState = Inode.IClear;
    }

    // Resets the filesystem-independent fields of a new inode: one link, size 0, no methods of its
    // own yet, and a page cache whose pages may come from high memory.
    [Linux("fs/inode.c", "clean_inode")]
    private static void CleanInode(Inode inode)
    {
        inode.ShmemI = new ShmemInodeInfo();
        inode.IOp = EmptyIops;
        inode.IFop = EmptyFops;
        inode.INlink = 1;
        inode.IWritecount = 0;
        inode.ISize = 0;
        inode.IBlocks = 0;
        inode.IData.AOps = EmptyAops;
        inode.IData.Host = inode;
        inode.IData.GfpMask = Gfp.HighUser;
        inode.IMapping = inode.IData;
    }

    private static readonly AddressSpaceOperations EmptyAops = new();
    private static readonly InodeOperations EmptyIops = new();
    private static readonly FileOperations EmptyFops = new();

    /// <summary>A new inode with one reference and the next inode number, belonging to no filesystem yet.</summary>
    /// <remarks>Port note: the inode comes from inode_cachep in the kernel; here it is an ordinary object and cannot fail.</remarks>
    [Linux("fs/inode.c", "get_empty_inode")]
    public Inode? GetEmptyInode()
    {
        var inode = new Inode();
        NrInodes++;
        inode.ISb = null;
        inode.IDev = 0;
        inode.IBlkbits = 0;
        inode.IIno = ++LastIno;
        inode.IFlags = 0;
        inode.ICount = 1;
        inode.IState = 0;
        inode.IData.HashKey = inode.IIno;
        CleanInode(inode);
        return inode;
    }

    /// <summary>A new inode of the filesystem <paramref name="sb"/>.</summary>
    /// <param name="sb">The superblock.</param>
    [Linux("include/linux/fs.h", "new_inode")]
    public Inode? NewInode(SuperBlock sb)
    {
        Inode? inode = GetEmptyInode();
        if (inode != null)
        {
            inode.ISb = sb;
            inode.IDev = sb.SDev;
            inode.IBlkbits = sb.SBlocksizeBits;
        }
        return inode;
    }

    /// <summary>
    /// Drops a reference to <paramref name="inode"/>. On the last one an inode with no links left
    /// is destroyed: its page cache is emptied and the filesystem's delete_inode frees what it
    /// holds (for shmem, the swap index).
    /// </summary>
    /// <param name="inode">The inode, or null.</param>
    [Linux("fs/inode.c", "iput")]
    public void Iput(Inode? inode)
    {
        if (inode == null)
            return;
        SuperBlock? sb = inode.ISb;
        SuperOperations? op = null;

        if (inode.IState == Inode.IClear)
            throw new KernelPanicException("inode->i_state == I_CLEAR", "iput");
        if (sb != null && sb.SOp != null)
            op = sb.SOp;
        op?.PutInode?.Invoke(inode);

        if (--inode.ICount != 0)
            return;

        if (inode.INlink == 0)
        {
            inode.IState |= Inode.IFreeing;
            NrInodes--;
            if (inode.IData.NrPages != 0)
                _kernel.Filemap.TruncateInodePages(inode.IData, 0);
            if (op?.DeleteInode is { } delete)
                delete(inode);   // calls clear_inode itself
            else
                ClearInode(inode);
            if (inode.IState != Inode.IClear)
                throw new KernelPanicException("inode->i_state != I_CLEAR", "iput");
        }
        else
        {
            // Port note: a linked inode would stay cached on inode_unused; every inode here is
            // unhashed, so it goes at once, the branch 2.4 takes for an unhashed inode.
            inode.IState |= Inode.IFreeing;
            NrInodes--;
            if (inode.IData.NrPages != 0)
                _kernel.Filemap.TruncateInodePages(inode.IData, 0);
            ClearInode(inode);
        }
        // destroy_inode: the object goes back to inode_cachep.
    }

    /// <summary>
    /// The put_inode method of filesystems whose inodes should not outlive their last user:
    /// about to drop the last reference, it unlinks the inode so that iput deletes it.
    /// </summary>
    /// <param name="inode">The inode.</param>
    [Linux("fs/inode.c", "force_delete")]
    public static void ForceDelete(Inode inode)
    {
        if (inode.ICount == 1)
            inode.INlink = 0;
    }
}
