using LinuxVm.Mm.Include;
using LinuxVm.Mm.Lib;
using LinuxVm.Mm.Sim;

// TEMPORARY. The port of mm/memory.c and arch/i386/mm/fault.c needs a few pieces of mm/mmap.c
// (the VMA list and tree, find_vma, exit_mmap) before the mm/mmap.c port lands. This file holds
// the smallest versions of them, following the 2.4.20 algorithms, with no [Linux] attributes of
// their own: when the real port lands on main, this file is deleted and the callers use it.

namespace LinuxVm.Mm.Include
{
    // The VMA half of struct mm_struct.
    public sealed partial class MmStruct
    {
        /// <summary>The regions of the address space, sorted by address (shim until mm/mmap.c lands).</summary>
        public VmAreaStruct? Mmap { get; set; }

        /// <summary>The regions in a red-black tree keyed by address (shim).</summary>
        public RbRoot MmRb { get; } = new();

        /// <summary>The region find_vma returned last (shim).</summary>
        public VmAreaStruct? MmapCache { get; set; }

        /// <summary>Number of regions (shim).</summary>
        public int MapCount { get; set; }

        /// <summary>Serialises changes to the regions (shim).</summary>
        public RwSemaphore MmapSem { get; } = new("mm->mmap_sem");
    }
}

namespace LinuxVm.Mm.Sim
{
    /// <summary>A reader-writer semaphore of the single-threaded simulation (shim): it checks the rules, nobody sleeps.</summary>
    public sealed class RwSemaphore
    {
        /// <summary>Creates an unheld semaphore.</summary>
        /// <param name="name">Name for messages.</param>
        public RwSemaphore(string name) => Name = name;

        /// <summary>The name.</summary>
        public string Name { get; }

        /// <summary>Readers holding it.</summary>
        public int Readers { get; private set; }

        /// <summary>True while a writer holds it.</summary>
        public bool Writer { get; private set; }

        /// <summary>Takes it for reading.</summary>
        public void DownRead()
        {
            if (Writer)
                throw new KernelPanicException($"down_read({Name}) while write-held: deadlock", "down_read");
            Readers++;
        }

        /// <summary>Releases a read hold.</summary>
        public void UpRead()
        {
            if (Readers == 0)
                throw new KernelPanicException($"up_read({Name}) not held", "up_read");
            Readers--;
        }

        /// <summary>Takes it for writing.</summary>
        public void DownWrite()
        {
            if (Writer || Readers != 0)
                throw new KernelPanicException($"down_write({Name}) while held: deadlock", "down_write");
            Writer = true;
        }

        /// <summary>Releases the write hold.</summary>
        public void UpWrite()
        {
            if (!Writer)
                throw new KernelPanicException($"up_write({Name}) not held", "up_write");
            Writer = false;
        }
    }
}

namespace LinuxVm.Mm
{
    public sealed partial class Kernel
    {
        private Mmap? _mmap;

        /// <summary>mm/mmap.c (shim until the port lands).</summary>
        public Mmap Mmap => _mmap ??= new Mmap(this);
    }

    /// <summary>The pieces of mm/mmap.c that the fault path needs (shim until the port lands).</summary>
    public sealed partial class Mmap
    {
        private readonly Kernel _kernel;

        /// <summary>Creates the shim for <paramref name="kernel"/>.</summary>
        /// <param name="kernel">The kernel.</param>
        public Mmap(Kernel kernel) => _kernel = kernel;

        /// <summary>The first region ending above <paramref name="addr"/>, or null (find_vma).</summary>
        /// <param name="mm">The address space (may be null).</param>
        /// <param name="addr">The address.</param>
        public VmAreaStruct? FindVma(MmStruct? mm, uint addr)
        {
            if (mm == null)
                return null;
            VmAreaStruct? vma = mm.MmapCache;
            if (vma != null && vma.VmEnd > addr && vma.VmStart <= addr)
                return vma;
            RbNode? rbNode = mm.MmRb.RbNode;
            vma = null;
            while (rbNode != null)
            {
                var tmp = rbNode.Entry<VmAreaStruct>();
                if (tmp.VmEnd > addr)
                {
                    vma = tmp;
                    if (tmp.VmStart <= addr)
                        break;
                    rbNode = rbNode.RbLeft;
                }
                else
                    rbNode = rbNode.RbRight;
            }
            if (vma != null)
                mm.MmapCache = vma;
            return vma;
        }

        /// <summary>find_vma, growing a stack region down to <paramref name="addr"/> when needed (find_extend_vma).</summary>
        /// <param name="mm">The address space.</param>
        /// <param name="addr">The address.</param>
        public VmAreaStruct? FindExtendVma(MmStruct mm, uint addr)
        {
            addr &= PageConstants.PageMask;
            VmAreaStruct? vma = FindVma(mm, addr);
            if (vma == null)
                return null;
            if (vma.VmStart <= addr)
                return vma;
            if ((vma.VmFlags & VmFlags.GrowsDown) == 0)
                return null;
            uint start = vma.VmStart;
            if (_kernel.Memory.ExpandStack(vma, addr) != 0)
                return null;
            if ((vma.VmFlags & VmFlags.Locked) != 0)
                _kernel.Memory.MakePagesPresent(addr, start);
            return vma;
        }

        /// <summary>Links a new, non-overlapping region into the list and the tree (insert_vm_struct, without merging).</summary>
        /// <param name="mm">The address space.</param>
        /// <param name="vma">The region, filled in.</param>
        public void InsertVmStruct(MmStruct mm, VmAreaStruct vma)
        {
            VmAreaStruct? prev = null;
            for (VmAreaStruct? v = mm.Mmap; v != null && v.VmStart < vma.VmStart; v = v.VmNext)
                prev = v;
            if ((prev?.VmNext ?? mm.Mmap) is { } next && next.VmStart < vma.VmEnd)
                throw new ArgumentException("region overlaps an existing one");
            if (prev != null && prev.VmEnd > vma.VmStart)
                throw new ArgumentException("region overlaps an existing one");
            vma.VmMm = mm;
            vma.VmNext = prev == null ? mm.Mmap : prev.VmNext;
            if (prev == null)
                mm.Mmap = vma;
            else
                prev.VmNext = vma;
            mm.MapCount++;
            mm.TotalVm += (vma.VmEnd - vma.VmStart) >> PageConstants.PageShift;
            BuildMmapRb(mm);
        }

        /// <summary>Rebuilds the tree from the list (build_mmap_rb).</summary>
        /// <param name="mm">The address space.</param>
        public void BuildMmapRb(MmStruct mm)
        {
            mm.MmRb.RbNode = null;
            RbNode? parent = null;
            bool first = true;
            for (VmAreaStruct? v = mm.Mmap; v != null; v = v.VmNext)
            {
                // The list is sorted, so each region goes to the right of the previous one.
                if (first)
                {
                    Rbtree.LinkNode(v.VmRb, null, ref mm.MmRb.RbNode);
                    first = false;
                }
                else
                    Rbtree.LinkNode(v.VmRb, parent, ref parent!.RbRight);
                Rbtree.InsertColor(v.VmRb, mm.MmRb);
                parent = v.VmRb;
                while (parent.RbRight != null)
                    parent = parent.RbRight;
            }
        }

        /// <summary>Tears down every region of <paramref name="mm"/>: pages, regions, then page tables (exit_mmap).</summary>
        /// <param name="mm">The address space, with no users left.</param>
        public void ExitMmap(MmStruct mm)
        {
            mm.PageTableLock.Lock();
            VmAreaStruct? mpnt = mm.Mmap;
            mm.Mmap = mm.MmapCache = null;
            mm.MmRb.RbNode = null;
            mm.Rss = 0;
            mm.PageTableLock.Unlock();
            mm.TotalVm = 0;
            mm.LockedVm = 0;
            _kernel.Arch.FlushCacheMm(mm);
            while (mpnt != null)
            {
                VmAreaStruct? next = mpnt.VmNext;
                uint start = mpnt.VmStart, end = mpnt.VmEnd, size = end - start;
                mpnt.VmOps?.Close?.Invoke(mpnt);
                mm.MapCount--;
                _kernel.Memory.ZapPageRange(mm, start, size);
                mpnt = next;
            }
            _kernel.Arch.FlushTlbMm(mm);
            KernelPanicException.BugOn(mm.MapCount != 0, "mm->map_count", "exit_mmap");
            // An address space of a kernel that was never booted has no page directory (see mm_init).
            if (mm.Pgd != 0)
                _kernel.Memory.ClearPageTables(mm, (uint)_kernel.Arch.FirstUserPgdNr, _kernel.Arch.UserPtrsPerPgd);
        }
    }
}
