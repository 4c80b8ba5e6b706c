using LinuxVm.Mm.KernelModel;
using LinuxVm.Mm.Arch;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.Sim;

namespace LinuxVm.Mm.Fs;

/// <summary>
/// A shmem inode's private part, <c>struct shmem_inode_info</c> (include/linux/shmem_fs.h): the
/// index of swap entries for the file's pages (a direct array for the first pages, then pages of
/// entries reached through <see cref="IIndirect"/>), and how many pages are out on swap.
/// </summary>
[Linux("include/linux/shmem_fs.h", "struct shmem_inode_info")]
public sealed class ShmemInodeInfo
{
    /// <summary>Creates an empty info (all entries zero, no indirect page).</summary>
    public ShmemInodeInfo() => List = new ListHead(this);

    /// <summary>Entries in the direct array.</summary>
    [Linux("include/linux/shmem_fs.h", "SHMEM_NR_DIRECT")]
    public const int ShmemNrDirect = 16;

    /// <summary>Guards the index and <see cref="Swapped"/>.</summary>
    [Linux("include/linux/shmem_fs.h", "shmem_inode_info.lock")]
    public SpinLock Lock { get; set; } = new("info->lock");

    /// <summary>Serialises page lookups and truncation on the file.</summary>
    [Linux("include/linux/shmem_fs.h", "shmem_inode_info.sem")]
    public KernelModel.Semaphore Sem { get; set; } = null!;

    /// <summary>One past the highest page index the index has room for.</summary>
    [Linux("include/linux/shmem_fs.h", "shmem_inode_info.next_index")]
    public uint NextIndex { get; set; }

    /// <summary>The swap entries of pages 0 to 15 (value 0: not on swap).</summary>
    [Linux("include/linux/shmem_fs.h", "shmem_inode_info.i_direct")]
    public SwpEntry[] IDirect { get; } = new SwpEntry[ShmemNrDirect];

    /// <summary>
    /// Kernel virtual address of the indirect page, or 0. Its first half points at pages of
    /// entries, its second half at pages that point at pages of entries.
    /// </summary>
    [Linux("include/linux/shmem_fs.h", "shmem_inode_info.i_indirect")]
    public uint IIndirect;

    /// <summary>Pages of the file that live on swap.</summary>
    [Linux("include/linux/shmem_fs.h", "shmem_inode_info.swapped")]
    public uint Swapped { get; set; }

    /// <summary>Nonzero when the file is locked in memory (SHM_LOCK): its pages are not swapped.</summary>
    [Linux("include/linux/shmem_fs.h", "shmem_inode_info.locked")]
    public int Locked { get; set; }

    /// <summary>Links the info on the list of all shmem files (shmem_inodes).</summary>
    [Linux("include/linux/shmem_fs.h", "shmem_inode_info.list")]
    public ListHead List { get; }

    /// <summary>The inode this info belongs to.</summary>
    [Linux("include/linux/shmem_fs.h", "shmem_inode_info.inode")]
    public Inode? Inode { get; set; }
}

/// <summary>
/// A shmem superblock's private part, <c>struct shmem_sb_info</c> (include/linux/shmem_fs.h):
/// the limits on pages and inodes and what is left of them.
/// </summary>
[Linux("include/linux/shmem_fs.h", "struct shmem_sb_info")]
public sealed class ShmemSbInfo
{
    /// <summary>Most pages the instance may hold.</summary>
    [Linux("include/linux/shmem_fs.h", "shmem_sb_info.max_blocks")]
    public uint MaxBlocks { get; set; }

    /// <summary>Pages still available.</summary>
    [Linux("include/linux/shmem_fs.h", "shmem_sb_info.free_blocks")]
    public uint FreeBlocks { get; set; }

    /// <summary>Most inodes the instance may have.</summary>
    [Linux("include/linux/shmem_fs.h", "shmem_sb_info.max_inodes")]
    public uint MaxInodes { get; set; }

    /// <summary>Inodes still available.</summary>
    [Linux("include/linux/shmem_fs.h", "shmem_sb_info.free_inodes")]
    public uint FreeInodes { get; set; }

    /// <summary>Guards the four counts.</summary>
    [Linux("include/linux/shmem_fs.h", "shmem_sb_info.stat_lock")]
    public SpinLock StatLock { get; set; } = new("sbinfo->stat_lock");
}

/// <summary>
/// A <c>swp_entry_t *</c>: where one swap entry of a shmem file's index lives, in the inode's
/// direct array or at a kernel virtual address inside an index page; or, as the C's ERR_PTR, an
/// error instead of a place.
/// </summary>
/// <param name="Info">The inode's info, for an entry of its direct array.</param>
/// <param name="Direct">Index into <see cref="ShmemInodeInfo.IDirect"/>.</param>
/// <param name="Kaddr">Kernel virtual address of the entry in an index page (when <paramref name="Info"/> is null).</param>
/// <param name="Err">A negated errno when this is an error pointer, else 0.</param>
public readonly record struct SwpEntryPtr(ShmemInodeInfo? Info, int Direct, uint Kaddr, int Err)
{
    /// <summary>An error pointer (ERR_PTR).</summary>
    /// <param name="err">The negated errno.</param>
    public static SwpEntryPtr ErrPtr(int err) => new(null, 0, 0, err);

    /// <summary>Is this an error rather than a place (IS_ERR)?</summary>
    public bool IsErr => Err != 0;

    /// <summary>The entry <paramref name="n"/> places further on.</summary>
    /// <param name="n">Entries to skip.</param>
    public SwpEntryPtr Plus(uint n) => Info != null ? this with { Direct = Direct + (int)n } : this with { Kaddr = Kaddr + n * 4 };

    /// <summary>The entry stored there.</summary>
    /// <param name="k">The kernel whose memory holds index pages.</param>
    public SwpEntry Get(Kernel k) => Info != null ? Info.IDirect[Direct] : new SwpEntry(k.Phys.ReadU32(k.Pa(Kaddr)));

    /// <summary>Stores <paramref name="val"/> in the entry.</summary>
    /// <param name="k">The kernel whose memory holds index pages.</param>
    /// <param name="val">The new value.</param>
    public void Set(Kernel k, SwpEntry val)
    {
        if (Info != null)
            Info.IDirect[Direct] = val;
        else
            k.Phys.WriteU32(k.Pa(Kaddr), val.Val);
    }
}
