using LinuxVm.Mm.Arch;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.Lib;
using static LinuxVm.Mm.Include.PageConstants;

namespace LinuxVm.Mm;

// Debug checker of an address space (no kernel counterpart beyond validate_mm): the list and the
// tree describe the same sorted, disjoint regions; a region that maps a file is on that file's
// share list; the counters agree with the regions; and the page tables map nothing outside a
// region.
public sealed partial class Mmap
{
    /// <summary>
    /// Checks <paramref name="mm"/> and throws <see cref="InvariantViolationException"/> on the first
    /// inconsistency: a region that is empty, unaligned, above TASK_SIZE, owned by another address
    /// space, out of order or overlapping the one before; a tree that breaks a red-black rule or
    /// whose in-order walk is not the list; map_count not the number of regions; mmap_cache not on
    /// the list; a region mapping a file that is not on its mapping's i_mmap (private) or
    /// i_mmap_shared (VM_SHARED) list, whose vm_pprev_share does not point at it, or whose file
    /// has no reference. With <paramref name="checkCounters"/>, also total_vm and locked_vm against the
    /// regions, and rss against the page tables (every present user pte must lie in a region).
    /// </summary>
    /// <param name="mm">The address space (its mmap_sem should be held or the machine quiet).</param>
    /// <param name="checkCounters">Whether to check total_vm, locked_vm and rss as well.</param>
    public void CheckVmas(MmStruct mm, bool checkCounters = true)
    {
        var list = new List<VmAreaStruct>();
        uint totalVm = 0, lockedVm = 0;
        VmAreaStruct? prev = null;
        for (VmAreaStruct? v = mm.Mmap; v != null; v = v.VmNext)
        {
            Require(list.Count <= mm.MapCount, $"list is longer than map_count {mm.MapCount} (a cycle?)");
            Require(v.VmMm == mm, $"{v} belongs to another address space");
            Require(v.VmStart < v.VmEnd, $"{v} is empty");
            Require(((v.VmStart | v.VmEnd) & ~PageMask) == 0, $"{v} is not page aligned");
            Require(v.VmEnd <= _kernel.Arch.TaskSize, $"{v} reaches above TASK_SIZE");
            if (prev != null)
                Require(prev.VmEnd <= v.VmStart, $"{prev} and {v} overlap or are out of order");
            if (v.VmFile != null)
                CheckShareList(v);
            list.Add(v);
            uint pages = (v.VmEnd - v.VmStart) >> PageShift;
            totalVm += pages;
            if ((v.VmFlags & VmFlags.Locked) != 0)
                lockedVm += pages;
            prev = v;
        }
        Require(list.Count == mm.MapCount, $"map_count {mm.MapCount} but {list.Count} regions on the list");

        int inTree;
        try
        {
            inTree = Rbtree.Validate(mm.MmRb, (a, b) => a.Entry<VmAreaStruct>().VmStart.CompareTo(b.Entry<VmAreaStruct>().VmStart));
        }
        catch (KernelPanicException e)
        {
            throw new InvariantViolationException($"the region tree is broken: {e.Message}");
        }
        Require(inTree == list.Count, $"{inTree} regions in the tree, {list.Count} on the list");
        int i = 0;
        foreach (VmAreaStruct v in InOrder(mm.MmRb.RbNode))
            Require(list[i++] == v, $"tree and list disagree at position {i - 1}: {v}");

        if (mm.MmapCache != null)
            Require(list.Contains(mm.MmapCache), $"mmap_cache {mm.MmapCache} is not on the list");

        if (!checkCounters)
            return;
        Require(mm.TotalVm == totalVm, $"total_vm {mm.TotalVm} but the regions cover {totalVm} pages");
        Require(mm.LockedVm == lockedVm, $"locked_vm {mm.LockedVm} but the locked regions cover {lockedVm} pages");
        uint rss = CountUserPages(mm, list);
        Require(mm.Rss == rss, $"rss {mm.Rss} but the page tables map {rss} counted pages");
    }

    // The region is reachable from the head of the right list of its file's mapping, and its back
    // link names the pointer that points at it.
    private static void CheckShareList(VmAreaStruct v)
    {
        Fs.File file = v.VmFile!;
        Require(file.FCount > 0, $"{v} maps a file with no references");
        Fs.AddressSpace mapping = file.FDentry!.DInode!.IMapping;
        bool shared = (v.VmFlags & VmFlags.Shared) != 0;
        Require(v.VmPprevShare.Get() == v, $"{v}: vm_pprev_share does not point at it");
        int n = 0;
        VmAreaStruct? s = shared ? mapping.IMmapShared : mapping.IMmap;
        for (; s != null && s != v; s = s.VmNextShare)
            Require(++n < 1_000_000, "a file's share list has a cycle");
        Require(s == v, $"{v} is not on its file's {(shared ? "i_mmap_shared" : "i_mmap")} list");
    }

    private static IEnumerable<VmAreaStruct> InOrder(RbNode? n)
    {
        var stack = new Stack<RbNode>();
        while (n != null || stack.Count > 0)
        {
            while (n != null)
            {
                stack.Push(n);
                n = n.RbLeft;
            }
            n = stack.Pop();
            yield return n.Entry<VmAreaStruct>();
            n = n.RbRight;
        }
    }

    // Walks the user half of the page tables: every pte that is not none must lie inside a region;
    // returns how many present ptes map an ordinary (valid, not reserved) page, which is what rss
    // counts. An address space without a page directory has none.
    private uint CountUserPages(MmStruct mm, List<VmAreaStruct> regions)
    {
        if (mm.Pgd == 0)
            return 0;
        IArchitecture arch = _kernel.Arch;
        uint rss = 0;
        int r = 0;
        for (int g = arch.FirstUserPgdNr; g < arch.FirstUserPgdNr + arch.UserPtrsPerPgd; g++)
        {
            uint gBase = (uint)g * arch.PgdirSize;
            PgdPtr pgd = arch.PgdOffset(mm, gBase);
            Pgd pgdval = arch.ReadPgd(pgd);
            if (pgdval.None || !pgdval.Present)
                continue;
            for (uint m = gBase; m - gBase < arch.PgdirSize; m += arch.PmdSize)
            {
                PmdPtr pmd = arch.PmdOffset(pgd, m);
                Pmd pmdval = arch.ReadPmd(pmd);
                if (pmdval.None)
                    continue;
                Require(!pmdval.Bad, $"bad pmd {pmdval} for user address {m:x8}");
                PtePtr pte = arch.PteOffset(pmd, m);
                for (uint a = m; a - m < arch.PmdSize; a += PageSize, pte++)
                {
                    Pte ptev = arch.ReadPte(pte);
                    if (ptev.None)
                        continue;
                    while (r < regions.Count && regions[r].VmEnd <= a)
                        r++;
                    Require(r < regions.Count && regions[r].VmStart <= a, $"{ptev} maps {a:x8}, which is in no region");
                    if (ptev.Present && ptev.Pfn < _kernel.Memory.MaxMapnr && !PageFlags.PageReserved(arch.PtePage(ptev)))
                        rss++;
                }
                if (m + arch.PmdSize == 0)
                    break;
            }
        }
        return rss;
    }

    private static void Require(bool ok, string what)
    {
        if (!ok)
            throw new InvariantViolationException(what);
    }
}
