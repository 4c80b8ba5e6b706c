using LinuxVm.Mm.Arch;
using LinuxVm.Mm.Tests.Arch.X86;

namespace LinuxVm.Exercises;

/// <summary>
/// Chapter 6, the user half of the page tables: how faults build them, what fork copies, what
/// zap_page_range leaves, and how exit frees them onto the per-CPU quicklists.
/// </summary>
public class Chapter06UserPageTables
{
    /// <summary>
    /// Q: A process writes at 0x40000000, 0x40001000, 0x40300000, 0x40400000 and 0x7FC00000. How
    /// many page tables does that allocate, with the classic 2-level layout and with PAE?
    /// Reasoning: 2-level, one page table maps 4 MiB (one pgd entry): the first three addresses share
    /// the table of 0x40000000-0x403FFFFF, the fourth starts the next 4 MiB, the fifth is far away:
    /// 3 tables. PAE, a table maps 2 MiB: 0x40000000 and 0x40001000 share one, 0x40300000 is in the
    /// second 2 MiB, 0x40400000 in the third, 0x7FC00000 in another: 4 tables. (PAE's pmd pages come
    /// with the pgd, so no pmd is allocated by the faults.)
    /// </summary>
    [Theory, Chapter(6)]
    [InlineData(false, 3)]
    [InlineData(true, 4)]
    public void PageTables_OnePerTouched4MiBOr2MiB(bool pae, int tables)
    {
        var pc = ProcessPc.Boot(pae: pae);
        var p = pc.Spawn("sparse");
        pc.MapAnonymous(p, 0x40000000, 0x40000000);
        foreach (uint a in new uint[] { 0x40000000, 0x40001000, 0x40300000, 0x40400000, 0x7FC00000 })
            Assert.True(pc.User.WriteU32(p, a, 1));

        Assert.Equal(5u, pc.CountMappedPages(p, out int found));
        Assert.Equal(tables, found);
    }

    /// <summary>
    /// Q: zap_page_range is run over a 3-page range of a process that has written 8 pages. What is
    /// left: pages, rss, page tables?
    /// Reasoning: zap clears the 3 ptes and drops their pages (each had one reference: freed), and
    /// lowers rss by 3 to 5. It never frees page tables: the one table stays, now mapping 5 pages.
    /// Tables are freed by clear_page_tables, which exit_mmap calls for the whole user space and
    /// munmap's free_pgtables for the pgd entries no region covers any more.
    /// </summary>
    [Fact, Chapter(6)]
    public void Zap_FreesPagesButKeepsThePageTable()
    {
        var pc = ProcessPc.Boot();
        var p = pc.Spawn("zapped");
        pc.MapAnonymous(p, 0x40000000, 8 * 4096);
        for (uint i = 0; i < 8; i++)
            pc.User.WriteU32(p, 0x40000000 + i * 4096, i + 1);
        uint free = pc.FreeIncludingQuicklists();

        pc.Kernel.Memory.ZapPageRange(p.Mm!, 0x40002000, 3 * 4096);

        Assert.Equal(free + 3, pc.FreeIncludingQuicklists());
        Assert.Equal(5u, p.Mm!.Rss);
        Assert.Equal(5u, pc.CountMappedPages(p, out int tables));
        Assert.Equal(1, tables);
        // The zapped range reads as a fresh page again (the zero page), the rest keeps its data.
        Assert.Equal(0u, pc.User.ReadU32(p, 0x40002000));
        Assert.Equal(8u, pc.User.ReadU32(p, 0x40007000));
    }

    /// <summary>
    /// Q: A process that has written pages in 2 different 4 MiB areas forks. How many page tables
    /// and how many data pages does the fork allocate?
    /// Reasoning: copy_page_range walks each region and allocates a child table wherever the parent
    /// has one (2), copies the ptes, and shares the data pages instead of copying them: 0 data pages.
    /// The child's pgd itself is one more page: 3 pages in all.
    /// </summary>
    [Fact, Chapter(6)]
    public void Fork_CopiesPageTablesButNotPages()
    {
        var pc = ProcessPc.Boot();
        var parent = pc.Spawn("parent");
        pc.MapAnonymous(parent, 0x40000000, 0x800000);
        for (uint i = 0; i < 6; i++)
            pc.User.WriteU32(parent, 0x40000000 + i * 0x100000, i);
        uint free = pc.FreeIncludingQuicklists();

        var child = pc.Fork(parent);

        Assert.Equal(free - 3, pc.FreeIncludingQuicklists());
        Assert.Equal(6u, pc.CountMappedPages(child, out int tables));
        Assert.Equal(2, tables);
    }

    /// <summary>
    /// Q: A process that touched 60 different 4 MiB areas exits. Where do its 60 page tables go?
    /// Reasoning: clear_page_tables puts each freed table on this CPU's quicklist (pte_free is
    /// pte_free_fast), then check_pgt_cache finds 60 above the high watermark (50) and gives tables
    /// back to the buddy allocator until the low watermark (25) is left. So 25 stay cached for the
    /// next process, 35 are free pages again.
    /// </summary>
    [Fact, Chapter(6)]
    public void Exit_LeavesTheLowWatermarkOfTablesOnTheQuicklist()
    {
        var pc = ProcessPc.Boot(64);
        var p = pc.Spawn("wide");
        pc.MapAnonymous(p, 0x10000000, 60u * 0x400000);
        pc.Kernel.Driver.RunAs(p, () =>
        {
            for (uint i = 0; i < 60; i++)
                pc.User.WriteU32(0x10000000 + i * 0x400000, i);
        });
        Assert.Equal(0u, pc.Kernel.Arch.PgtableCacheSize);

        pc.Exit(p);

        Assert.Equal(25u, pc.Kernel.Arch.PgtableCacheSize);
    }

    /// <summary>
    /// Q: A process has two 8-page regions, at 0x40000000 and 0x40400000, both written: two page
    /// tables. It unmaps the whole first region, then the first 4 pages of the second. Which page
    /// tables go?
    /// Reasoning: do_munmap ends with free_pgtables, which frees the tables of the pgd entries
    /// between the end of the region before the hole and the start of the region after it. The
    /// first munmap leaves no region in 0x40000000-0x403FFFFF, so that table goes (onto the
    /// quicklist) with the 8 pages. The second leaves the rest of the second region in its 4 MiB,
    /// so its table stays: only the 4 pages come back.
    /// </summary>
    [Fact, Chapter(6)]
    public void Munmap_FreesATableOnlyWhenNoRegionIsLeftUnderIt()
    {
        var pc = ProcessPc.Boot();
        var p = pc.Spawn("unmapper");
        pc.MapAnonymous(p, 0x40000000, 8 * 4096);
        pc.MapAnonymous(p, 0x40400000, 8 * 4096);
        for (uint i = 0; i < 8; i++)
        {
            pc.User.WriteU32(p, 0x40000000 + i * 4096, i + 1);
            pc.User.WriteU32(p, 0x40400000 + i * 4096, i + 1);
        }
        pc.CountMappedPages(p, out int tables);
        Assert.Equal(2, tables);
        uint free = pc.FreeIncludingQuicklists();
        uint cached = pc.Kernel.Arch.PgtableCacheSize;

        pc.Kernel.Driver.RunAs(p, () => Assert.Equal(0, pc.Kernel.Mmap.SysMunmap(0x40000000, 8 * 4096)));
        Assert.Equal(free + 8 + 1, pc.FreeIncludingQuicklists());
        Assert.Equal(cached + 1, pc.Kernel.Arch.PgtableCacheSize);
        Assert.Equal(8u, pc.CountMappedPages(p, out tables));
        Assert.Equal(1, tables);

        pc.Kernel.Driver.RunAs(p, () => Assert.Equal(0, pc.Kernel.Mmap.SysMunmap(0x40400000, 4 * 4096)));
        Assert.Equal(free + 9 + 4, pc.FreeIncludingQuicklists());
        Assert.Equal(4u, pc.CountMappedPages(p, out tables));
        Assert.Equal(1, tables);
    }

    /// <summary>
    /// Q: What does a new page directory cost, without PAE and with it, once a first process
    /// exists?
    /// Reasoning: without PAE pgd_alloc takes one page from the buddy allocator, clears the 768
    /// user entries and copies the 256 kernel ones. With PAE the pgd is a 32-byte object from the
    /// slab cache pae_pgd (the cache already has a slab with room, so no page for it), and
    /// get_pgd_slow gives each of the 3 user entries a fresh, zeroed pmd page at once, since the
    /// CPU reads the four entries only when cr3 is loaded: 3 pages, and all 3 entries present.
    /// </summary>
    [Fact, Chapter(6)]
    public void PgdAlloc_CostsOnePage_OrWithPaeASlabObjectAndThreePmdPages()
    {
        foreach (bool pae in new[] { false, true })
        {
            var pc = ProcessPc.Boot(pae: pae);
            var p = pc.Spawn("first");
            uint free = pc.Kernel.PageAlloc.NrFreePages();
            uint pgd = pc.Kernel.Arch.PgdAlloc(p.Mm!);
            Assert.Equal(pae ? 3u : 1u, free - pc.Kernel.PageAlloc.NrFreePages());
            if (pae)
            {
                Assert.Equal(0u, pgd % 32);
                Assert.NotEqual(0u, pgd % 4096);
                var dir = new PgdPtr(pgd, 8);
                for (int i = 0; i < 3; i++)
                    Assert.Equal(1ul, pc.Kernel.Arch.ReadPgd(dir + i).Value & 1);   // present bit: a pmd page behind it
            }
            else
            {
                Assert.Equal(0u, pgd % 4096);
            }
            pc.Kernel.Arch.PgdFree(pgd);
            Assert.Equal(free, pc.Kernel.PageAlloc.NrFreePages());
        }
    }
}
