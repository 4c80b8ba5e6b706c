using LinuxVm.Mm;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.KernelModel;
using LinuxVm.Mm.Tests.Arch.X86;

namespace LinuxVm.Exercises;

/// <summary>
/// Chapter 4, shared anonymous memory: mmap(MAP_SHARED | MAP_ANONYMOUS) gives the region an
/// unlinked shmem file, and its pages live in that file's page cache. Every machine is a booted
/// 16 MiB PC (2-level page tables) running init and the processes each exercise spawns.
/// </summary>
public class Chapter04SharedAnonymous
{
    private const uint Base = 0x40000000; // 4 MiB aligned: one page table covers Base..Base+4 MiB

    private static uint MapShared(ProcessPc pc, TaskStruct t, uint pages) =>
        pc.Kernel.Driver.RunAs(t, () => pc.Kernel.Syscalls.Mmap(Base, pages * 4096,
            Mman.ProtRead | Mman.ProtWrite, Mman.MapShared | Mman.MapAnonymous | Mman.MapFixed));

    /// <summary>
    /// Q: A process maps 4 pages shared and anonymous, then forks. After the fork the parent
    /// writes pages 0 and 1, the child writes page 1 and reads page 3. How many pages of memory
    /// hold the region's contents, and do parent and child see the same page 1?
    /// Reasoning: no page existed at the fork. Each first touch, in either process, faults into
    /// shmem_nopage, which looks the page up in the shmem file's page cache and only makes it if
    /// it is not there: page 0 and page 1 are made by the parent, the child finds page 1 in the
    /// cache, and its read of page 3 makes a zeroed page too, because a shmem file has no zero-page
    /// shortcut. Three pages, all in the page cache, and page 1 is one page mapped twice.
    /// </summary>
    [Fact, Chapter(4)]
    public void SharedRegion_PagesTouchedAfterFork_ExistOnceForBothProcesses()
    {
        var pc = ProcessPc.Boot();
        TaskStruct parent = pc.Spawn("parent");
        Assert.Equal(Base, MapShared(pc, parent, 4));
        TaskStruct child = pc.Fork(parent);

        Assert.True(pc.User.WriteU32(parent, Base, 1));
        Assert.True(pc.User.WriteU32(parent, Base + 4096, 2));
        Assert.True(pc.User.WriteU32(child, Base + 4096, 3));
        pc.User.ReadU32(child, Base + 3 * 4096);

        Assert.Equal(3u, pc.Kernel.Filemap.PageCacheSize);
        Assert.Same(pc.Kernel.Memory.FollowPage(parent.Mm!, Base + 4096, 0),
                    pc.Kernel.Memory.FollowPage(child.Mm!, Base + 4096, 0));
        Assert.Equal(3u, pc.User.ReadU32(parent, Base + 4096));
    }

    /// <summary>
    /// Q: A fresh process maps 16 pages shared and anonymous at a 4 MiB boundary and writes one
    /// word into each of the first 10. What does /proc/meminfo's Cached line say (it said 0 kB at
    /// boot), how many pages did the machine give, and how many faults were major?
    /// Reasoning: each written page is a shmem page in the page cache, so page_cache_size is 10
    /// and Cached shows 10 × 4 = 40 kB. The machine gave those 10 pages plus the page table the
    /// first fault built; the 10 indexes are below 16, so the file's swap index needs no page of
    /// its own. Every fault went through a nopage method, which 2.4's do_no_page reports as a
    /// major fault: 10 major, 0 minor.
    /// </summary>
    [Fact, Chapter(4)]
    public void TenTouchedPages_ShowAs40kBCached_AndTenMajorFaults()
    {
        var pc = ProcessPc.Boot();
        Assert.Contains("Cached:              0 kB", pc.Kernel.ProcMisc.MeminfoReadProc());
        TaskStruct p = pc.Spawn("p");
        MapShared(pc, p, 16);
        uint free = pc.FreeIncludingQuicklists();

        for (uint i = 0; i < 10; i++)
            Assert.True(pc.User.WriteU32(p, Base + i * 4096, i));

        Assert.Contains("Cached:             40 kB", pc.Kernel.ProcMisc.MeminfoReadProc());
        Assert.Equal(free - 11, pc.FreeIncludingQuicklists());
        Assert.Equal((0u, 10u), (p.MinFlt, p.MajFlt));
    }

    /// <summary>
    /// Q: The same kind of region, 20 pages long, has its page 0 touched; then page 16 is written.
    /// How many pages does the second write cost, and why?
    /// Reasoning: a shmem inode holds the swap entries of pages 0 to 15 itself (SHMEM_NR_DIRECT).
    /// Page 16 is the first one whose entry lives in an index page: shmem_alloc_entry must hang an
    /// indirect page off the inode and a page of 1024 entries off its first slot, both from
    /// get_zeroed_page, before the data page itself is allocated. Three pages.
    /// </summary>
    [Fact, Chapter(4)]
    public void Page16_CostsThreePages_BecauseTheSwapIndexGrowsTwoLevels()
    {
        var pc = ProcessPc.Boot();
        TaskStruct p = pc.Spawn("p");
        MapShared(pc, p, 20);
        pc.User.ReadU32(p, Base);
        uint free = pc.FreeIncludingQuicklists();

        Assert.True(pc.User.WriteU32(p, Base + 16 * 4096, 16));

        Assert.Equal(free - 3, pc.FreeIncludingQuicklists());
    }
}
