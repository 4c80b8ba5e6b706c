using LinuxVm.Mm.Include;
using LinuxVm.Mm.KernelModel;
using LinuxVm.Mm.Lib;
using static LinuxVm.Mm.Include.PageConstants;

namespace LinuxVm.Mm;

// The inline helpers of include/linux/mm.h that mm/mmap.c, mprotect.c and mremap.c share, and the
// cursor that stands for find_vma_prepare's rb_node_t ** (a pointer to an empty child link).
public sealed partial class Mmap
{
    /// <summary>
    /// mmap with a byte offset: checks that the offset is page aligned and does not wrap, then
    /// calls <see cref="DoMmapPgoff"/>. Returns the address or a negated errno.
    /// </summary>
    /// <param name="file">The file (null: anonymous).</param>
    /// <param name="addr">Wanted address.</param>
    /// <param name="len">Length in bytes.</param>
    /// <param name="prot">PROT_* bits.</param>
    /// <param name="flag">MAP_* bits.</param>
    /// <param name="offset">Offset in the file, in bytes.</param>
    [Linux("include/linux/mm.h", "do_mmap")]
    public uint DoMmap(Fs.File? file, uint addr, uint len, uint prot, uint flag, uint offset)
    {
        uint ret = Err(-Errno.Einval);
        if (offset + PageAlign(len) < offset)
            return ret;
        if ((offset & ~PageMask) == 0)
            ret = DoMmapPgoff(file, addr, len, prot, flag, offset >> PageShift);
        return ret;
    }

    /// <summary>Takes <paramref name="vma"/> off the list (after <paramref name="prev"/>) and out of the tree; the cache moves to prev.</summary>
    /// <param name="mm">The address space.</param>
    /// <param name="vma">The region to unlink.</param>
    /// <param name="prev">The region before it.</param>
    [Linux("include/linux/mm.h", "__vma_unlink")]
    public static void VmaUnlinkCore(MmStruct mm, VmAreaStruct vma, VmAreaStruct prev)
    {
        prev.VmNext = vma.VmNext;
        Rbtree.Erase(vma.VmRb, mm.MmRb);
        if (mm.MmapCache == vma)
            mm.MmapCache = prev;
    }

    /// <summary>Whether a region can absorb a neighbour with <paramref name="vmFlags"/>: it maps no file and has exactly those flags.</summary>
    /// <param name="vma">The region.</param>
    /// <param name="vmFlags">The neighbour's flags.</param>
    [Linux("include/linux/mm.h", "can_vma_merge")]
    public static bool CanVmaMerge(VmAreaStruct vma, uint vmFlags) =>
        vma.VmFile == null && vma.VmFlags == vmFlags;

    /// <summary>The first region overlapping [startAddr, endAddr), or null.</summary>
    /// <param name="mm">The address space.</param>
    /// <param name="startAddr">Start.</param>
    /// <param name="endAddr">End (exclusive).</param>
    [Linux("include/linux/mm.h", "find_vma_intersection")]
    public VmAreaStruct? FindVmaIntersection(MmStruct mm, uint startAddr, uint endAddr)
    {
        VmAreaStruct? vma = FindVma(mm, startAddr);
        if (vma != null && endAddr <= vma.VmStart)
            vma = null;
        return vma;
    }

    /// <summary>
    /// An empty link of the tree where a node may be hung: the root slot, or the left or right
    /// child slot of a node (C's <c>rb_node_t **</c>).
    /// </summary>
    /// <param name="Parent">The node whose child slot this is; null for the root slot.</param>
    /// <param name="Left">True for the left child slot.</param>
    private readonly record struct RbLink(RbNode? Parent, bool Left)
    {
        public static RbLink Root => new(null, false);

        public static RbLink LeftOf(RbNode n) => new(n, true);

        public static RbLink RightOf(RbNode n) => new(n, false);

        // *rb_link
        public RbNode? Get(RbRoot root) => Parent == null ? root.RbNode : Left ? Parent.RbLeft : Parent.RbRight;

        // rb_link_node(node, parent, rb_link)
        public void LinkNode(RbNode node, RbNode? parent, RbRoot root)
        {
            if (Parent == null)
                Rbtree.LinkNode(node, parent, ref root.RbNode);
            else if (Left)
                Rbtree.LinkNode(node, parent, ref Parent.RbLeft);
            else
                Rbtree.LinkNode(node, parent, ref Parent.RbRight);
        }
    }
}
