using LinuxVm.Arch.X86;
using LinuxVm.Mm.Arch;
using LinuxVm.Mm.Include;

namespace LinuxVm.Mm.Tests.Arch.X86;

public class MmuTlbTests
{
    private static Machine Boot(bool pae) => Machine.Boot(new MachineConfig { RamBytes = 64UL << 20, Pae = pae });

    // The paging unit alone over the machine's memory, with no exception-14 handler: a fault comes
    // back as the hardware raised it, instead of going to do_page_fault as on the machine's own MMU.
    private static Mmu Hardware(Machine m) => new(m.Kernel.Phys);

    // Maps one vmalloc'd page and returns its address and pte pointer.
    private static (uint va, PtePtr pte) OnePage(Machine m)
    {
        uint va = m.Kernel.Vmalloc.Alloc(4096);
        var a = m.Arch;
        PtePtr pte = a.PteOffset(a.PmdOffset(a.PgdOffsetK(va), va), va);
        return (va, pte);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void StaleTlbEntry_IsUsedUntilFlushed(bool pae)
    {
        Machine m = Boot(pae);
        var (va, ptep) = OnePage(m);
        Cpu cpu = m.CurrentCpu;
        m.Mmu.WriteU32(cpu, va, 0x11111111);           // fills the TLB
        Page other = m.Kernel.PageAlloc.AllocPage(Gfp.Kernel)!;
        m.Kernel.Phys.WriteU32((ulong)other.MapNr << 12, 0x22222222);

        m.Arch.SetPte(ptep, m.Arch.MkPte(other, Pgprot.PageKernel));   // no flush
        Assert.Equal(0x11111111u, m.Mmu.ReadU32(cpu, va));              // stale translation

        m.Arch.FlushTlbCore();                                          // cr3 reload: PAGE_KERNEL is global
        Assert.Equal(0x11111111u, m.Mmu.ReadU32(cpu, va));

        m.Arch.FlushTlbOne(va);                                         // invlpg drops it
        Assert.Equal(0x22222222u, m.Mmu.ReadU32(cpu, va));
    }

    [Fact]
    public void GlobalFlush_DropsGlobalEntries_OnEveryCpu()
    {
        Machine m = Machine.Boot(new MachineConfig { Cpus = 2 });
        var (va, ptep) = OnePage(m);
        m.Mmu.ReadU32(m.Arch.Cpus[0], va);
        m.Mmu.ReadU32(m.Arch.Cpus[1], va);
        m.Arch.PteClear(ptep);
        Assert.True(m.Arch.Cpus[1].Tlb.Contains(va));
        m.Arch.FlushTlbAll();
        Assert.False(m.Arch.Cpus[1].Tlb.Contains(va));
        var e = Assert.Throws<PageFaultException>(() => Hardware(m).ReadU32(m.Arch.Cpus[1], va));
        Assert.Equal(0u, e.ErrorCode);   // not present, read, kernel
        Assert.Equal(1, e.Cpu);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Walk_SetsAccessedOnRead_AndDirtyOnWrite(bool pae)
    {
        Machine m = Boot(pae);
        var (va, ptep) = OnePage(m);
        m.Arch.SetPte(ptep, m.Arch.ReadPte(ptep).MkOld().MkClean());
        m.Arch.FlushTlbOne(va);

        m.Mmu.ReadByte(m.CurrentCpu, va);
        Pte after = m.Arch.ReadPte(ptep);
        Assert.True(after.Young);
        Assert.False(after.Dirty);

        m.Mmu.WriteByte(m.CurrentCpu, va + 1, 5);   // TLB entry is clean: the CPU re-walks to set D
        Assert.True(m.Arch.ReadPte(ptep).Dirty);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Faults_CarryTheI386ErrorCode(bool pae)
    {
        Machine m = Boot(pae);
        var (va, ptep) = OnePage(m);
        Cpu cpu = m.CurrentCpu;

        // User access to a kernel page: present (1) + user (4), read.
        Mmu mmu = Hardware(m);
        var e = Assert.Throws<PageFaultException>(() => mmu.ReadByte(cpu, va, user: true));
        Assert.Equal(5u, e.ErrorCode);

        // Supervisor write to a read-only page faults too: CR0.WP is on.
        m.Arch.SetPte(ptep, m.Arch.ReadPte(ptep).WrProtect());
        m.Arch.FlushTlbOne(va);
        e = Assert.Throws<PageFaultException>(() => mmu.WriteByte(cpu, va, 1));
        Assert.Equal(3u, e.ErrorCode);   // present + write
        Assert.Equal(va, cpu.Cr2);

        // The guard page after the area: not present, write from user mode = 6.
        e = Assert.Throws<PageFaultException>(() => mmu.WriteByte(cpu, va + 4096, 1, user: true));
        Assert.Equal(6u, e.ErrorCode);
    }

    [Fact]
    public void FaultHandler_CanFixTheMappingAndRetry()
    {
        Machine m = Boot(false);
        var (va, ptep) = OnePage(m);
        Pte saved = m.Arch.PtepGetAndClear(ptep);
        m.Arch.FlushTlbAll();
        int calls = 0;
        // A paging unit of its own over the machine's memory, with a handler that repairs the pte.
        var mmu = new Mmu(m.Kernel.Phys, (cpu, addr, err) =>
        {
            calls++;
            m.Arch.SetPte(ptep, saved);
            return cpu;
        });
        mmu.WriteU32(m.CurrentCpu, va, 9);
        Assert.Equal(1, calls);
        Assert.Equal(9u, mmu.ReadU32(m.CurrentCpu, va));
    }

    [Fact]
    public void Pae_PgdEntriesAreCachedAtCr3Load()
    {
        Machine m = Boot(true);
        var a = m.Arch;
        PgdPtr slot0 = new(KernelImage.SwapperPgDir, 8);
        Pgd kernelSlot = a.ReadPgd(slot0 + 3);
        // Point user slot 0 at the kernel's pmd: without a cr3 load the CPU does not see it.
        a.SetPgd(slot0, kernelSlot);
        Assert.Throws<PageFaultException>(() => Hardware(m).ReadU32(m.CurrentCpu, 0x1000));
        a.LoadCr3(KernelImage.SwapperPgDir);
        m.Mmu.ReadU32(m.CurrentCpu, 0x1000);
    }

    [Theory]
    [InlineData(0xC0123456u, false, 768, 0, 0x123)]
    [InlineData(0xC0123456u, true, 3, 0, 0x123)]
    [InlineData(0x08048000u, false, 32, 0, 0x48)]
    [InlineData(0x08048000u, true, 0, 64, 0x48)]
    public void Indices_SplitTheAddress(uint va, bool pae, int pgd, int pmd, int pte)
    {
        var arch = new I386(pae);
        Assert.Equal(pgd, arch.PgdIndex(va));
        Assert.Equal(pmd, arch.PmdIndex(va));
        Assert.Equal(pte, arch.PteIndex(va));
    }

    [Fact]
    public void PteValueOperations()
    {
        Pte p = Pte.MkPteCore(0x12345, Pgprot.PageShared);
        Assert.True(p.Present && p.Write && p.Read && p.Young && !p.Dirty);
        Assert.Equal(0x12345u, p.Pfn);
        Pte ro = p.Modify(Pgprot.PageReadonly).MkDirty();
        Assert.False(ro.Write);
        Assert.True(ro.Dirty);
        Assert.Equal(0x12345u, ro.Pfn);
        Assert.True(new Pte(PageBits.ProtNone | PageBits.Accessed).Present);   // PROT_NONE counts as present
        Pte big = Pte.MkPteCore(0x123456, Pgprot.PageKernel);                  // above 4 GiB (PAE)
        Assert.Equal(0x123456u, big.Pfn);
        Assert.Equal(1u, big.High);
        Assert.Equal(3u, SwpEntry.Of(3, 77).Type);
        Assert.Equal(77u, Pte.FromSwpEntry(SwpEntry.Of(3, 77)).ToSwpEntry().Offset);
    }

    [Fact]
    public void Quicklists_RecyclePageTables()
    {
        Machine m = Boot(false);
        var a = m.Arch;
        uint before = m.Kernel.PageAlloc.NrFreePages();
        PtePtr t = a.PteAllocOne(null, 0);
        a.PteFree(t);
        Assert.Equal(1u, a.PgtableCacheSize);
        Assert.Equal(t, a.PteAllocOneFast(null, 0));
        Assert.Equal(0u, m.Kernel.Phys.ReadU32(m.Kernel.Pa(t.Address)));   // the link word was cleared
        a.PteFree(t);
        Assert.Equal(1, a.DoCheckPgtCache(0, 0));
        Assert.Equal(before, m.Kernel.PageAlloc.NrFreePages());
    }

    [Fact]
    public void PgdAlloc_SharesTheKernelHalf()
    {
        foreach (bool pae in new[] { false, true })
        {
            Machine m = Boot(pae);
            var a = m.Arch;
            // With PAE the pgd comes from the pae_pgd slab cache, which keeps a freed pgd in its
            // per-CPU array: warm it up once so the measured round trip reuses that object.
            a.PgdFree(a.PgdAlloc(new MmStruct(m.Kernel)));
            uint before = m.Kernel.PageAlloc.NrFreePages();
            var mm = new MmStruct(m.Kernel);
            mm.Pgd = a.PgdAlloc(mm);
            Assert.NotEqual(0u, mm.Pgd);
            Assert.Equal(a.ReadPgd(a.PgdOffsetK(0xC0000000)), a.ReadPgd(a.PgdOffset(mm, 0xC0000000)));
            Assert.True(a.ReadPmd(a.PmdOffset(a.PgdOffset(mm, 0x08048000), 0x08048000)).None);
            a.PgdFree(mm.Pgd);
            Assert.Equal(before, m.Kernel.PageAlloc.NrFreePages());
        }
    }

    [Fact]
    public void KmapAtomic_MapsAHighPageInThisCpusSlot()
    {
        Machine m = Machine.Boot(new MachineConfig { RamBytes = 1UL << 30 });
        Page high = m.Kernel.PageAlloc.AllocPage(Gfp.HighUser)!;
        Assert.True(PageFlags.PageHighMem(high));
        m.Kernel.Phys.WriteU32((ulong)high.MapNr << 12, 0xABCD);
        uint va = m.Arch.KmapAtomic(high, KmType.User0);
        Assert.Equal(Fixmap.FixToVirt(Fixmap.FixKmapBegin + (int)KmType.User0), va);
        Assert.Equal(0xABCDu, m.Mmu.ReadU32(m.CurrentCpu, va));
    }
}
