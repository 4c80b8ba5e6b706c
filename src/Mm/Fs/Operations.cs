using LinuxVm.Mm.Include;

namespace LinuxVm.Mm.Fs;

/// <summary>The methods of an open file, <c>struct file_operations</c> (include/linux/fs.h), as far as mm/ calls them.</summary>
/// <remarks>Port note: read, write, llseek, ioctl, poll, fsync and the rest belong to the VFS and are left out.</remarks>
[Linux("include/linux/fs.h", "struct file_operations")]
public sealed class FileOperations
{
    /// <summary>Sets up a region mapping the file (installs its vm_ops); returns 0 or a negated errno.</summary>
    [Linux("include/linux/fs.h", "file_operations.mmap")]
    public Func<File, VmAreaStruct, int>? Mmap { get; init; }

    /// <summary>Called when the last reference to the open file goes.</summary>
    [Linux("include/linux/fs.h", "file_operations.release")]
    public Func<Inode, File, int>? Release { get; init; }

    /// <summary>Picks the address for a new mapping of the file, instead of the architecture's search.</summary>
    [Linux("include/linux/fs.h", "file_operations.get_unmapped_area")]
    public Func<File, uint, uint, uint, uint, uint>? GetUnmappedArea { get; init; }
}

/// <summary>How a page cache talks to its backing store, <c>struct address_space_operations</c> (include/linux/fs.h).</summary>
/// <remarks>Port note: readpage, sync_page, prepare_write, commit_write, bmap, flushpage,
/// releasepage and direct_IO arrive with the file page cache and the block layer.</remarks>
[Linux("include/linux/fs.h", "struct address_space_operations")]
public sealed class AddressSpaceOperations
{
    /// <summary>Writes a locked page out to backing store; returns 0 or a negated errno.</summary>
    [Linux("include/linux/fs.h", "address_space_operations.writepage")]
    public Func<Page, int>? Writepage { get; init; }
}

/// <summary>The methods of an inode, <c>struct inode_operations</c> (include/linux/fs.h), as far as shmem fills them.</summary>
/// <remarks>Port note: the directory methods (create, lookup, link, mkdir...) belong to tmpfs as a
/// mountable filesystem, which is not ported.</remarks>
[Linux("include/linux/fs.h", "struct inode_operations")]
public sealed class InodeOperations
{
    /// <summary>Frees the blocks past i_size after the size shrank.</summary>
    [Linux("include/linux/fs.h", "inode_operations.truncate")]
    public Action<Inode>? Truncate { get; init; }
}

/// <summary>The methods of a superblock, <c>struct super_operations</c> (include/linux/fs.h), as far as shmem fills them.</summary>
[Linux("include/linux/fs.h", "struct super_operations")]
public sealed class SuperOperations
{
    /// <summary>Called by iput before the count drops.</summary>
    [Linux("include/linux/fs.h", "super_operations.put_inode")]
    public Action<Inode>? PutInode { get; init; }

    /// <summary>Destroys an inode with no links left (and calls clear_inode).</summary>
    [Linux("include/linux/fs.h", "super_operations.delete_inode")]
    public Action<Inode>? DeleteInode { get; init; }

    /// <summary>Filesystem cleanup when an inode is cleared.</summary>
    [Linux("include/linux/fs.h", "super_operations.clear_inode")]
    public Action<Inode>? ClearInode { get; init; }
}
