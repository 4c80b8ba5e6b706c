using LinuxVm.Arch.X86;
using LinuxVm.Mm.Arch;
using LinuxVm.Mm.Include;

namespace LinuxVm.Mm.Tests.Arch.X86;

public class BootTests
{
    private static Machine Boot(ulong mib, bool pae, int cpus = 1, bool pse = true) =>
        Machine.Boot(new MachineConfig { RamBytes = mib << 20, Pae = pae, Cpus = cpus, Pse = pse });

    private static uint[] Zones(Machine m) =>
        [.. Enumerable.Range(0, 3).Select(i => m.Kernel.Numa.ContigPageData.NodeZones[i].Size)];

    [Theory]
    // RAM, PAE, max_low_pfn, highstart, highend, DMA, Normal, HighMem
    [InlineData(4UL, false, 1024u, 1024u, 1024u, 1024u, 0u, 0u)]
    [InlineData(4UL, true, 1024u, 1024u, 1024u, 1024u, 0u, 0u)]
    [InlineData(64UL, false, 16384u, 16384u, 16384u, 4096u, 12288u, 0u)]
    [InlineData(64UL, true, 16384u, 16384u, 16384u, 4096u, 12288u, 0u)]
    [InlineData(1024UL, false, 229376u, 229376u, 262144u, 4096u, 225280u, 32768u)]
    [InlineData(1024UL, true, 229376u, 229376u, 262144u, 4096u, 225280u, 32768u)]
    // 4 GiB: RAM 0-3.5 GiB and 4-4.5 GiB. A 2-level kernel stops at 4 GiB (0x100000 frames).
    [InlineData(4096UL, false, 229376u, 229376u, 1048576u, 4096u, 225280u, 819200u)]
    [InlineData(4096UL, true, 229376u, 229376u, 1179648u, 4096u, 225280u, 950272u)]
    public void Boot_SizesLowAndHighMemoryAndZones(ulong mib, bool pae, uint maxLow, uint highStart, uint highEnd, uint dma, uint normal, uint high)
    {
        Machine m = Boot(mib, pae);
        Assert.Equal(maxLow, m.Kernel.Bootmem.MaxLowPfn);
        Assert.Equal(highStart, m.Arch.Init.HighstartPfn);
        Assert.Equal(highEnd, m.Arch.Init.HighendPfn);
        Assert.Equal([dma, normal, high], Zones(m));
        Assert.Equal(highEnd, m.Kernel.Memory.MaxMapnr);
        Assert.Equal(m.Kernel.Va((ulong)maxLow << 12), m.Kernel.Memory.HighMemory);
        m.Kernel.PageAlloc.CheckInvariants();
    }

    [Fact]
    public void Boot4G_WithoutPae_WarnsThatOnly4GBIsUsed()
    {
        Machine m = Boot(4096, pae: false);
        Assert.Contains("Warning only 4GB will be used.", m.Log);
        // Frames 3.5-4 GiB are the PCI hole: in mem_map but reserved.
        Assert.True(PageFlags.PageReserved(m.Kernel.Memory.MemMap[0xE0000]));
        Assert.Equal(0xE0000u - 229376u, m.Arch.Init.TotalhighPages);
    }

    [Fact]
    public void Boot_AllFreePagesAccountedFor()
    {
        Machine m = Boot(64, pae: false);
        uint free = m.Kernel.PageAlloc.NrFreePages();
        // Every RAM page below max_low_pfn is either free, reserved, in a slab (the general
        // caches and per-CPU arrays made at boot), or holds the page-cache hash table.
        uint ramPages = 0x9F + (16384 - 256);
        uint slabPages = (uint)m.Kernel.Slab.PagesInSlabs();
        uint hashPages = 1u << m.Kernel.Filemap.PageHashTableOrder;
        Assert.Equal(16u, hashPages);   // 16384 pages x 4-byte buckets = 64 KiB, order 4
        Assert.Equal(ramPages, free + slabPages + hashPages + (uint)m.Arch.Init.ReservedPages - (KernelImage.InitEnd - KernelImage.InitBegin) / 4096);
    }

    [Fact]
    public void Boot_DirectMapUsesLargePages_AndTranslatesThroughTheMmu()
    {
        foreach (bool pae in new[] { false, true })
        {
            Machine m = Boot(64, pae);
            m.Kernel.Phys.WriteU32(0x123458, 0xCAFEBABE);
            Assert.Equal(0xCAFEBABEu, m.Mmu.ReadU32(m.CurrentCpu, 0xC0123458));
            Pmd pmd = m.Arch.ReadPmd(m.Arch.PmdOffset(m.Arch.PgdOffsetK(0xC0123458), 0xC0123458));
            Assert.True(pmd.Large);
            Assert.True(pmd.Bad); // generic code must never walk into a PSE pmd
        }
    }

    [Theory]
    [InlineData(false, 16)]   // 64 MiB / 4 MiB per page table
    [InlineData(true, 32)]    // 64 MiB / 2 MiB per page table
    public void Boot_WithoutPse_BuildsPageTablesForTheDirectMap(bool pae, int tables)
    {
        Machine m = Boot(64, pae, pse: false);
        Assert.Contains("Ok.", m.Log);   // test_wp_bit ran: no PSE, so WP was not assumed
        var arch = m.Arch;
        int found = 0;
        for (uint va = 0xC0000000; va < 0xC4000000; va += arch.PmdSize)
        {
            Pmd pmd = arch.ReadPmd(arch.PmdOffset(arch.PgdOffsetK(va), va));
            Assert.False(pmd.Bad);
            found++;
        }
        Assert.Equal(tables, found);
        m.Kernel.Phys.WriteU32(0x3FFFFFC, 7);
        Assert.Equal(7u, m.Mmu.ReadU32(m.CurrentCpu, 0xC3FFFFFC));
    }

    [Fact]
    public void Boot_ZapsTheIdentityMapping()
    {
        Machine m = Boot(64, pae: false, cpus: 2);
        // The paging unit alone (no fault handler): the CPU no longer finds a translation.
        Assert.Throws<PageFaultException>(() => new Mmu(m.Kernel.Phys).ReadU32(m.CurrentCpu, 0x1000));
        Assert.True(m.Arch.Cpus[1].Online);
    }

    [Theory]
    [InlineData(2UL << 20, false, 1)]
    [InlineData(5UL << 30, false, 1)]
    [InlineData(64UL << 20, false, 0)]
    [InlineData(64UL << 20, false, 33)]
    [InlineData((64UL << 20) + 1, false, 1)]
    public void Boot_RejectsBadConfigurations(ulong ram, bool pae, int cpus)
    {
        Assert.Throws<ArgumentException>(() => Machine.Boot(new MachineConfig { RamBytes = ram, Pae = pae, Cpus = cpus }));
    }

    [Fact]
    public void Boot_KernelPageTablesCoverFixmapAndPkmap()
    {
        foreach (bool pae in new[] { false, true })
        {
            Machine m = Boot(64, pae);
            var arch = m.Arch;
            Assert.Equal(arch.PgdOffsetK(arch.PkmapBase).Address - KernelImage.SwapperPgDir, (uint)(arch.PgdIndex(arch.PkmapBase) * (pae ? 8 : 4)));
            Assert.False(arch.KmapPte.IsNull);
            Assert.False(arch.PkmapPageTable.IsNull);
            Assert.Equal(0xFFF35000u, arch.FixaddrStart);
            Assert.Equal(pae ? 512 : 1024, arch.LastPkmap);
        }
    }
}
