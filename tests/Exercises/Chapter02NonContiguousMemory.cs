using LinuxVm.Arch.X86;
using LinuxVm.Mm;
using LinuxVm.Mm.Arch;
using LinuxVm.Mm.Include;

namespace LinuxVm.Exercises;

/// <summary>Chapter 2, non-contiguous memory allocation: vmalloc, vfree, the vmalloc range and its guard pages.</summary>
public class Chapter02NonContiguousMemory
{
    private static Machine Boot(ulong mib = 64, bool pae = false) =>
        Machine.Boot(new MachineConfig { RamBytes = mib << 20, Pae = pae });

    /// <summary>
    /// Q: Where does the vmalloc range start on a 64 MiB PC?
    /// Reasoning: high_memory is PAGE_OFFSET + 64 MiB = 0xC4000000. VMALLOC_START adds
    /// 2 * 8 MiB - 1 and rounds down to 8 MiB: 0xC4000000 + 0xFFFFFF = 0xC4FFFFFF, rounded down
    /// to 0xC4800000. The gap is exactly 8 MiB because high_memory is already 8 MiB aligned.
    /// </summary>
    [Fact, Chapter(2)]
    public void VmallocStart_Of64MiB_Is8MiBAboveHighMemory()
    {
        Machine m = Boot();
        Assert.Equal(0xC4000000u, m.Kernel.Memory.HighMemory);
        Assert.Equal(0xC4800000u, m.Arch.VmallocStart);
    }

    /// <summary>
    /// Q: Where does it start on a 100 MiB PC, where high_memory (0xC6400000) is not 8 MiB aligned?
    /// Reasoning: 0xC6400000 + 0xFFFFFF = 0xC73FFFFF, rounded down to 8 MiB: 0xC7000000, a gap of 12 MiB.
    /// </summary>
    [Fact, Chapter(2)]
    public void VmallocStart_Of100MiB_LeavesA12MiBGap()
    {
        Machine m = Boot(100);
        Assert.Equal(0xC7000000u, m.Arch.VmallocStart);
    }

    /// <summary>
    /// Q: Where does the vmalloc range end, and how big is it on a machine with 1 GiB or more?
    /// Reasoning: with CONFIG_HIGHMEM it ends two pages below PKMAP_BASE (0xFE000000): 0xFDFFE000.
    /// Low memory stops at 896 MiB, so high_memory is 0xF8000000 and VMALLOC_START 0xF8800000:
    /// 0xFDFFE000 - 0xF8800000 = 0x57FE000 bytes, about 88 MiB, for every large machine.
    /// </summary>
    [Fact, Chapter(2)]
    public void VmallocRange_OfABigMachine_IsAbout88MiB()
    {
        Machine m = Boot(1024);
        Assert.Equal(0xFDFFE000u, m.Arch.VmallocEnd);
        Assert.Equal(0x57FE000u, m.Arch.VmallocEnd - m.Arch.VmallocStart);
    }

    /// <summary>
    /// Q: Three calls vmalloc(5000), vmalloc(4096), vmalloc(1) on a fresh 64 MiB PC: where does each land?
    /// Reasoning: sizes round up to pages and get one guard page: 2+1, 1+1 and 1+1 pages. First
    /// fit from VMALLOC_START: 0xC4800000, then 0xC4803000, then 0xC4805000.
    /// </summary>
    [Fact, Chapter(2)]
    public void ThreeAllocations_LandBackToBack_WithGuardPagesBetween()
    {
        Machine m = Boot();
        Vmalloc v = m.Kernel.Vmalloc;
        Assert.Equal(0xC4800000u, v.Alloc(5000));
        Assert.Equal(0xC4803000u, v.Alloc(4096));
        Assert.Equal(0xC4805000u, v.Alloc(1));
    }

    /// <summary>
    /// Q: After vmalloc(5000), which page is the guard page, and what happens when the kernel writes to it?
    /// Reasoning: the area is 0xC4800000 - 0xC4803000; its last page 0xC4802000 is never mapped, so a
    /// kernel-mode write raises a page fault with error code 2 (not present, write, supervisor).
    /// do_page_fault takes it for a vmalloc fault, finds no pte in init_mm's tables either and no
    /// exception-table entry for the instruction: the kernel oopses.
    /// </summary>
    [Fact, Chapter(2)]
    public void GuardPage_FaultsOnWrite_WithErrorCode2()
    {
        Machine m = Boot();
        uint a = m.Kernel.Vmalloc.Alloc(5000);
        m.Mmu.WriteByte(m.CurrentCpu, a + 8191, 1);
        var oops = Assert.Throws<KernelPanicException>(() => m.Mmu.WriteByte(m.CurrentCpu, a + 8192, 1));
        Assert.Equal(0xC4802000u, m.CurrentCpu.Cr2);
        Assert.Equal("Oops: Unable to handle kernel paging request at virtual address c4802000, error code 2", oops.Check);
    }

    /// <summary>
    /// Q: Areas of 3 and 1 pages are allocated, the first is freed, then vmalloc(8192) is called. Where does it go?
    /// Reasoning: the freed hole spans 4 pages (3 + guard) at VMALLOC_START; 2 pages + guard = 3 fit,
    /// and get_vm_area takes the first gap that fits, so the new area reuses VMALLOC_START.
    /// </summary>
    [Fact, Chapter(2)]
    public void FirstFit_ReusesTheFirstHoleThatIsBigEnough()
    {
        Machine m = Boot();
        Vmalloc v = m.Kernel.Vmalloc;
        uint a = v.Alloc(3 * 4096);
        v.Alloc(4096);
        v.Vfree(a);
        Assert.Equal(a, v.Alloc(8192));
        // A second one does not fit the 1-page remainder of the hole; it goes after the 1-page area
        // (which with its guard occupies pages 4 and 5): page 6.
        Assert.Equal(a + 6 * 4096, v.Alloc(8192));
    }

    /// <summary>
    /// Q: How many buddy pages does vmalloc(64 KiB) take on a fresh 64 MiB PC without PAE?
    /// Reasoning: 16 data pages, plus one page table: the range 0xC4800000 starts a new 4 MiB pgd
    /// slot that has no page table yet. The guard page costs no memory. And the 16-byte vm_struct
    /// is kmalloc'd from size-32, which nothing on a fresh machine has used yet, so that cache
    /// grows its first slab: one more page. Total 18.
    /// </summary>
    [Fact, Chapter(2)]
    public void Vmalloc64K_Costs16PagesPlusOnePageTable()
    {
        Machine m = Boot();
        uint before = m.Kernel.PageAlloc.NrFreePages();
        m.Kernel.Vmalloc.Alloc(64 * 1024);
        Assert.Equal(18u, before - m.Kernel.PageAlloc.NrFreePages());
    }

    /// <summary>
    /// Q: After vfree of that area, how many pages come back?
    /// Reasoning: vfree frees the 16 data pages; the page table stays in the kernel's page tables
    /// for later areas (vmfree_area_pages never frees page tables), and kfree of the vm_struct
    /// leaves the size-32 slab with its cache (slabs go back only when the cache is shrunk or
    /// reaped). 16 come back, 2 stay used.
    /// </summary>
    [Fact, Chapter(2)]
    public void Vfree_KeepsThePageTable()
    {
        Machine m = Boot();
        uint before = m.Kernel.PageAlloc.NrFreePages();
        uint a = m.Kernel.Vmalloc.Alloc(64 * 1024);
        m.Kernel.Vmalloc.Vfree(a);
        Assert.Equal(2u, before - m.Kernel.PageAlloc.NrFreePages());
    }

    /// <summary>
    /// Q: On a 1 GiB PC, vmalloc gets pages with __GFP_HIGHMEM. Can a vmalloc'd page be a high page?
    /// Reasoning: yes: the zonelist for GFP_KERNEL | __GFP_HIGHMEM tries ZONE_HIGHMEM first, and the
    /// kernel reaches the page through its own pte, so it needs no direct mapping. vmalloc_32 cannot.
    /// </summary>
    [Fact, Chapter(2)]
    public void Vmalloc_UsesHighMemory_Vmalloc32DoesNot()
    {
        Machine m = Boot(1024);
        IArchitecture a = m.Arch;
        Page PageOf(uint va) => a.PtePage(a.ReadPte(a.PteOffset(a.PmdOffset(a.PgdOffsetK(va), va), va)));
        Assert.True(PageFlags.PageHighMem(PageOf(m.Kernel.Vmalloc.Alloc(4096))));
        Assert.False(PageFlags.PageHighMem(PageOf(m.Kernel.Vmalloc.Alloc32(4096))));
    }

    /// <summary>
    /// Q: Why must vfree flush the TLB of every CPU with flush_tlb_all, not just reload cr3?
    /// Reasoning: in a kernel built with CONFIG_X86_PGE (the port's Pentium III configuration)
    /// PAGE_KERNEL includes _PAGE_GLOBAL, so a CPU keeps the translation across cr3 reloads; only
    /// the global flush drops it. Without it the other CPU would still reach the freed page.
    /// </summary>
    [Fact, Chapter(2)]
    public void VmallocMappings_AreGlobal_SoOnlyAGlobalFlushDropsThem()
    {
        Machine m = Machine.Boot(new MachineConfig { Cpus = 2 });
        uint a = m.Kernel.Vmalloc.Alloc(4096);
        Cpu cpu1 = m.Arch.Cpus[1];
        m.Mmu.ReadByte(cpu1, a);
        cpu1.LoadCr3(cpu1.Cr3);
        Assert.True(cpu1.Tlb.Contains(a));
        m.Kernel.Vmalloc.Vfree(a);
        Assert.False(cpu1.Tlb.Contains(a));
    }

    /// <summary>
    /// Q: Two one-page areas lie back to back at 0xC4800000 and 0xC4802000, with the first one's
    /// guard page between them. What do vwrite and vread do with the three pages from 0xC4800000?
    /// Reasoning: for each area, the bytes below its start are treated as a hole, and the guard
    /// page of the area before is such a hole. vwrite consumes the guard page's 4096 bytes without
    /// writing them (so no fault), and vread fills them with zeros. Both report all 12288 bytes.
    /// </summary>
    [Fact, Chapter(2)]
    public void Vread_ReadsAGuardPageAsZeros_AndVwriteDropsWhatIsAimedAtIt()
    {
        Machine m = Boot();
        Vmalloc v = m.Kernel.Vmalloc;
        uint a = v.Alloc(4096), b = v.Alloc(4096);
        Assert.Equal((0xC4800000u, 0xC4802000u), (a, b));

        byte[] ones = Enumerable.Repeat((byte)0xFF, 3 * 4096).ToArray();
        Assert.Equal(3 * 4096, v.Vwrite(ones, a, 3 * 4096));
        byte[] back = new byte[3 * 4096];
        Assert.Equal(3 * 4096, v.Vread(back, a, 3 * 4096));
        Assert.All(back[..4096], x => Assert.Equal(0xFF, x));
        Assert.All(back[4096..8192], x => Assert.Equal(0, x));
        Assert.All(back[8192..], x => Assert.Equal(0xFF, x));
    }
}
