using LinuxVm.Arch.X86;
using LinuxVm.Mm;
using LinuxVm.Mm.Arch;
using LinuxVm.Mm.Include;

namespace LinuxVm.Exercises;

/// <summary>Chapter 6, page table management: the address split, 2-level and PAE layouts, kernel page tables, the TLB.</summary>
public class Chapter06PageTableManagement
{
    private static Machine Boot(ulong mib = 64, bool pae = false, bool pse = true) =>
        Machine.Boot(new MachineConfig { RamBytes = mib << 20, Pae = pae, Pse = pse });

    /// <summary>
    /// Q: How does 0xC0123456 split into pgd, pmd and pte indices without PAE?
    /// Reasoning: bits 31-22 give pgd 0x300 = 768; the pmd is folded (index 0); bits 21-12 give
    /// pte 0x123; the offset is 0x456.
    /// </summary>
    [Fact, Chapter(6)]
    public void Split_WithoutPae()
    {
        var a = new I386(pae: false);
        Assert.Equal((768, 0, 0x123), (a.PgdIndex(0xC0123456), a.PmdIndex(0xC0123456), a.PteIndex(0xC0123456)));
    }

    /// <summary>
    /// Q: And with PAE?
    /// Reasoning: bits 31-30 give pgd 3; bits 29-21 give pmd 0 (0x00123456 >> 21 = 0); bits 20-12
    /// give pte 0x123.
    /// </summary>
    [Fact, Chapter(6)]
    public void Split_WithPae()
    {
        var a = new I386(pae: true);
        Assert.Equal((3, 0, 0x123), (a.PgdIndex(0xC0123456), a.PmdIndex(0xC0123456), a.PteIndex(0xC0123456)));
    }

    /// <summary>
    /// Q: How much address space does one entry at each level cover, with and without PAE?
    /// Reasoning: without PAE a pgd (= pmd) entry covers 2^22 = 4 MiB and a pte 4 KiB; with PAE a pgd
    /// entry covers 2^30 = 1 GiB, a pmd entry 2^21 = 2 MiB.
    /// </summary>
    [Fact, Chapter(6)]
    public void EntryCoverage()
    {
        var two = new I386(false);
        var three = new I386(true);
        Assert.Equal((4u << 20, 4u << 20), (two.PgdirSize, two.PmdSize));
        Assert.Equal((1u << 30, 2u << 20), (three.PgdirSize, three.PmdSize));
    }

    /// <summary>
    /// Q: How many pgd entries belong to user space in each layout?
    /// Reasoning: USER_PTRS_PER_PGD = TASK_SIZE / PGDIR_SIZE = 3 GiB / 4 MiB = 768 without PAE and
    /// 3 GiB / 1 GiB = 3 with PAE.
    /// </summary>
    [Fact, Chapter(6)]
    public void UserPtrsPerPgd()
    {
        Assert.Equal(768, new I386(false).UserPtrsPerPgd);
        Assert.Equal(3, new I386(true).UserPtrsPerPgd);
    }

    /// <summary>
    /// Q: How many page-table pages does the direct map of a 64 MiB PC need?
    /// Reasoning: with PSE, none: each pmd maps a 4 MiB (2 MiB with PAE) page directly. Without PSE,
    /// one page table per 4 MiB without PAE (16) and one per 2 MiB with PAE (32), plus with PAE the
    /// pmd page for pgd slot 3. The fixmap and pkmap windows need one table each in every case.
    /// Measured as bootmem pages used by paging_init beyond the trampoline.
    /// </summary>
    [Theory, Chapter(6)]
    [InlineData(false, true, 2)]
    [InlineData(true, true, 3)]
    [InlineData(false, false, 18)]
    [InlineData(true, false, 35)]
    public void PageTablePages_ForTheDirectMap(bool pae, bool pse, int pages)
    {
        Machine m = Boot(64, pae, pse);
        IArchitecture a = m.Arch;
        var tables = new HashSet<ulong>();
        for (ulong va = 0xC0000000; va != 0x1_0000_0000; va += a.PmdSize)
        {
            PgdPtr pgd = a.PgdOffsetK((uint)va);
            PmdPtr pmd = a.PmdOffset(pgd, (uint)va);
            if (pae && !a.ReadPgd(pgd).None)
                tables.Add(a.ReadPgd(pgd).Value & ~0xFFFUL);
            Pmd p = a.ReadPmd(pmd);
            if (!p.None && !p.Bad)
                tables.Add(p.Value & ~0xFFFUL);
        }
        Assert.Equal(pages, tables.Count);
    }

    /// <summary>
    /// Q: Where does the permanent fixmap area start?
    /// Reasoning: 201 permanent slots (APIC 1, I/O APICs 8, kmap 6 * 32 CPUs = 192) below FIXADDR_TOP
    /// 0xFFFFE000: 0xFFFFE000 - 201 * 4096 = 0xFFF35000.
    /// </summary>
    [Fact, Chapter(6)]
    public void FixaddrStart()
    {
        Assert.Equal(201, Fixmap.EndOfPermanentFixedAddresses);
        Assert.Equal(0xFFF35000u, Fixmap.FixaddrStart);
    }

    /// <summary>
    /// Q: A pte is changed to point at another page, and the kernel forgets the TLB flush. What does the next read see?
    /// Reasoning: the old frame: the TLB still holds the translation. Only after __flush_tlb_one
    /// does the CPU walk the page tables again.
    /// </summary>
    [Fact, Chapter(6)]
    public void MissingFlush_ReadsTheOldPage()
    {
        Machine m = Boot();
        IArchitecture a = m.Arch;
        uint va = m.Kernel.Vmalloc.Alloc(4096);
        PtePtr ptep = a.PteOffset(a.PmdOffset(a.PgdOffsetK(va), va), va);
        m.Mmu.WriteU32(m.CurrentCpu, va, 1);
        Page other = m.Kernel.PageAlloc.AllocPage(Gfp.Kernel)!;
        m.Kernel.Phys.WriteU32((ulong)other.MapNr << 12, 2);
        a.SetPte(ptep, a.MkPte(other, Pgprot.PageKernel));
        Assert.Equal(1u, m.Mmu.ReadU32(m.CurrentCpu, va));
        a.FlushTlbOne(va);
        Assert.Equal(2u, m.Mmu.ReadU32(m.CurrentCpu, va));
    }

    /// <summary>
    /// Q: The kernel reads a vmalloc page whose pte has the accessed and dirty bits clear. Which bits does the CPU set?
    /// Reasoning: a read sets only accessed; the first write sets dirty as well.
    /// </summary>
    [Fact, Chapter(6)]
    public void HardwareSetsAccessedThenDirty()
    {
        Machine m = Boot();
        IArchitecture a = m.Arch;
        uint va = m.Kernel.Vmalloc.Alloc(4096);
        PtePtr ptep = a.PteOffset(a.PmdOffset(a.PgdOffsetK(va), va), va);
        a.SetPte(ptep, a.ReadPte(ptep).MkOld().MkClean());
        a.FlushTlbOne(va);
        m.Mmu.ReadByte(m.CurrentCpu, va);
        Assert.Equal((true, false), (a.ReadPte(ptep).Young, a.ReadPte(ptep).Dirty));
        m.Mmu.WriteByte(m.CurrentCpu, va, 1);
        Assert.Equal((true, true), (a.ReadPte(ptep).Young, a.ReadPte(ptep).Dirty));
    }

    /// <summary>
    /// Q: What is the value of the pmd that maps the first 4 MiB of the direct map on a 64 MiB PC without PAE?
    /// Reasoning: _KERNPG_TABLE (0x063) + _PAGE_PSE (0x080) + _PAGE_GLOBAL (0x100) + physical 0 = 0x1E3.
    /// </summary>
    [Fact, Chapter(6)]
    public void DirectMapPmd_IsALargeGlobalKernelPage()
    {
        Machine m = Boot();
        IArchitecture a = m.Arch;
        Assert.Equal(0x1E3UL, a.ReadPmd(a.PmdOffset(a.PgdOffsetK(0xC0000000), 0xC0000000)).Value);
    }

    /// <summary>
    /// Q: Which physical address does kernel virtual 0xC0100000 translate to, and through how many memory reads of page tables?
    /// Reasoning: __pa gives 0x100000. With PSE and no PAE the walk reads one entry (the pgd entry
    /// is a 4 MiB page); the next access to the same page hits the TLB and reads none.
    /// </summary>
    [Fact, Chapter(6)]
    public void KernelAddress_TranslatesWithOneLevelWalk()
    {
        Machine m = Boot();
        Cpu cpu = m.CurrentCpu;
        cpu.LoadCr3(cpu.Cr3);
        m.Arch.FlushTlbGlobal();
        long walks = m.Mmu.Walks;
        Assert.Equal(0x100000UL, m.Mmu.Translate(cpu, 0xC0100000, false, false));
        Assert.Equal(0x100004UL, m.Mmu.Translate(cpu, 0xC0100004, false, false));
        Assert.Equal(1, m.Mmu.Walks - walks);
    }
}
