using LinuxVm.Arch.X86;
using LinuxVm.Mm.Include;

namespace LinuxVm.Mm.Tests.Arch.X86;

/// <summary>
/// The boot's options for tests: stopping after a step of start_kernel, and a zone layout chosen
/// by hand. A stopped boot is the whole boot cut short, never a different one.
/// </summary>
public class BootOptionsTests
{
    private static Machine Boot(BootStage? stop, ulong mib = 64, bool pae = false, int cpus = 1) =>
        Machine.Boot(new MachineConfig { RamBytes = mib << 20, Pae = pae, Cpus = cpus, StopAfter = stop });

    public static TheoryData<BootStage, bool> Stages()
    {
        var data = new TheoryData<BootStage, bool>();
        foreach (BootStage s in Enum.GetValues<BootStage>())
        {
            data.Add(s, false);
            data.Add(s, true);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Stages))]
    public void StoppedBoot_LogsWhatTheFullBootLogsUpToThere_AndNoMore(BootStage stop, bool pae)
    {
        Machine full = Boot(null, pae: pae, cpus: 2);
        Machine part = Boot(stop, pae: pae, cpus: 2);
        Assert.Equal(full.Log.Take(part.Log.Count), part.Log);
        if (stop == BootStage.FreeInitmem)
        {
            Assert.Equal(full.Log, part.Log);
            Assert.Equal(full.Kernel.PageAlloc.NrFreePages(), part.Kernel.PageAlloc.NrFreePages());
        }
        else
            Assert.True(part.Log.Count < full.Log.Count, $"{stop}: the boot went on to free_initmem");
    }

    [Fact]
    public void EachStage_LeavesTheMachineAsThatStepOfStartKernelLeavesIt()
    {
        Kernel k = Boot(BootStage.Startup32).Kernel;
        Assert.Empty(k.KernelLog);
        Assert.False(k.Bootmem.IsActive);

        k = Boot(BootStage.SetupMemory).Kernel;
        Assert.True(k.Bootmem.IsActive);
        Assert.Empty(k.Memory.MemMap);                    // paging_init has not run
        Assert.Equal(0u, k.Numa.ContigBootmemData.LastPos);  // nothing allocated from bootmem

        k = Boot(BootStage.SetupArch).Kernel;
        Assert.True(k.Bootmem.IsActive);
        Assert.Equal(16384, k.Memory.MemMap.Length);
        Assert.Equal(0u, k.PageAlloc.NrFreePages());      // every free page is still bootmem's

        Machine m = Boot(BootStage.MemInit);
        k = m.Kernel;
        Assert.False(k.Bootmem.IsActive);
        Assert.Equal(m.Arch.Init.TotalramPages, k.PageAlloc.NrFreePages());
        Assert.Null(k.Slab.FindCache("size-32"));

        k = Boot(BootStage.KmemCacheSizesInit, cpus: 2).Kernel;
        Assert.Null(k.Slab.FindCache("size-32")!.Cpudata[0]);
        Assert.Null(k.Filemap.PageHashTable);

        k = Boot(BootStage.KmemCpucacheInit, cpus: 2).Kernel;
        Assert.NotNull(k.Slab.FindCache("size-32")!.Cpudata[1]);
        Assert.NotNull(k.Filemap.PageHashTable);
    }

    [Fact]
    public void ShapedZones_AreTheZonesOfTheBoot_AndLowMemoryEndsWithZoneNormal()
    {
        Machine m = Machine.Boot(new MachineConfig { RamBytes = 16 << 20, Zones = new ZoneSizes(1024, 2048, 1024) });
        Kernel k = m.Kernel;
        Zone[] zones = k.Numa.ContigPageData.NodeZones;
        Assert.Equal([1024u, 2048u, 1024u], zones.Select(z => z.Size));
        Assert.Equal(3072u, k.Bootmem.MaxLowPfn);
        Assert.Equal((3072u, 4096u), (m.Arch.Init.HighstartPfn, m.Arch.Init.HighendPfn));
        Assert.Equal(1024u, m.Arch.Init.TotalhighPages);
        Assert.Contains("4MB HIGHMEM available.", m.Log);
        Assert.Contains("12MB LOWMEM available.", m.Log);
        Assert.True(PageFlags.PageHighMem(k.Memory.MemMap[3072]));
        k.PageAlloc.CheckInvariants();
    }

    [Theory]
    [InlineData(64, null, 1024u, 2048u, 1024u, false, "MachineConfig.Zones: 1024 + 2048 + 1024 pages is not the machine's 16384 pages of RAM")]
    [InlineData(16, null, 0u, 3072u, 1024u, false, "MachineConfig.Zones: ZONE_DMA must be 1 to 4096 pages (ISA DMA reaches 16 MiB), not 0")]
    [InlineData(32, null, 8192u, 0u, 0u, false, "MachineConfig.Zones: ZONE_DMA must be 1 to 4096 pages (ISA DMA reaches 16 MiB), not 8192")]
    [InlineData(16, null, 1024u, 512u, 2560u, false, "MachineConfig.Zones: low memory (ZONE_DMA + ZONE_NORMAL) must be 2048 to 229376 pages (8 MiB to 896 MiB), not 1536")]
    [InlineData(1024, null, 4096u, 258048u, 0u, false, "MachineConfig.Zones: low memory (ZONE_DMA + ZONE_NORMAL) must be 2048 to 229376 pages (8 MiB to 896 MiB), not 262144")]
    [InlineData(16, BootStage.Startup32, 1024u, 2048u, 1024u, false, "MachineConfig.Zones has no effect on a boot that stops at Startup32, before setup_arch sizes memory")]
    [InlineData(16, BootStage.SetupArch, 0u, 0u, 0u, true, "MachineConfig.DebugSlab needs the boot to reach kmem_cache_init, but StopAfter is SetupArch")]
    [InlineData(16, (BootStage)99, 0u, 0u, 0u, false, "MachineConfig.StopAfter: 99 is not a step of the boot")]
    public void BadOptions_AreArgumentExceptions_NamingTheOption(int mib, BootStage? stop, uint dma, uint normal, uint high, bool debugSlab, string message)
    {
        var config = new MachineConfig
        {
            RamBytes = (ulong)mib << 20,
            StopAfter = stop,
            Zones = dma + normal + high == 0 ? null : new ZoneSizes(dma, normal, high),
            DebugSlab = debugSlab,
        };
        Assert.Equal(message, Assert.Throws<ArgumentException>(() => Machine.Boot(config)).Message);
    }

    [Fact]
    public void ShapedZones_NeedRamBelowThePciHole()
    {
        var config = new MachineConfig { RamBytes = 4UL << 30, Pae = true, Zones = new ZoneSizes(4096, 225280, 819200) };
        Assert.Equal("MachineConfig.Zones needs RAM below the PCI hole at 3.5 GiB, not 4294967296 bytes",
            Assert.Throws<ArgumentException>(() => Machine.Boot(config)).Message);
    }
}
