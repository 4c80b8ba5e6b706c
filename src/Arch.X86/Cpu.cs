using LinuxVm.Mm;

namespace LinuxVm.Arch.X86;

/// <summary>
/// One simulated Pentium III: the per-CPU data the kernel keeps about it (<c>struct cpuinfo_x86</c>,
/// including the page-table quicklists of pgalloc.h), its paging control registers, and its TLB.
/// </summary>
[Linux("include/asm-i386/processor.h", "struct cpuinfo_x86")]
public sealed class Cpu
{
    /// <summary>CR4 bit: 4 MiB pages in 2-level paging.</summary>
    [Linux("include/asm-i386/processor.h", "X86_CR4_PSE")] public const uint Cr4Pse = 0x0010;
    /// <summary>CR4 bit: Physical Address Extension (3-level paging, 64-bit entries).</summary>
    [Linux("include/asm-i386/processor.h", "X86_CR4_PAE")] public const uint Cr4Pae = 0x0020;
    /// <summary>CR4 bit: global pages survive cr3 reloads.</summary>
    [Linux("include/asm-i386/processor.h", "X86_CR4_PGE")] public const uint Cr4Pge = 0x0080;

    private readonly LinuxVm.Mm.Sim.PhysicalMemory _phys;

    /// <summary>Creates CPU <paramref name="id"/>, not yet started.</summary>
    /// <param name="id">Its number (smp_processor_id).</param>
    /// <param name="phys">The memory its paging unit reads.</param>
    public Cpu(int id, LinuxVm.Mm.Sim.PhysicalMemory phys)
    {
        Id = id;
        _phys = phys;
    }

    /// <summary>The CPU's number.</summary>
    public int Id { get; }

    /// <summary>True once the CPU runs kernel code with paging on (the boot CPU from head.S, the others from smp_boot_cpus).</summary>
    public bool Online { get; set; }

    /// <summary>Whether supervisor writes honour read-only pages: -1 untested, 0 no, 1 yes (CR0.WP works).</summary>
    [Linux("include/asm-i386/processor.h", "cpuinfo_x86.wp_works_ok")]
    public int WpWorksOk { get; set; } = -1;

    /// <summary>Head of the free pgd quicklist (kernel virtual address; the list is linked through each page's first word).</summary>
    [Linux("include/asm-i386/processor.h", "cpuinfo_x86.pgd_quick")]
    public uint PgdQuick { get; set; }

    /// <summary>Head of the free pmd quicklist (always empty on i386).</summary>
    [Linux("include/asm-i386/processor.h", "cpuinfo_x86.pmd_quick")]
    public uint PmdQuick { get; set; }

    /// <summary>Head of the free page-table quicklist.</summary>
    [Linux("include/asm-i386/processor.h", "cpuinfo_x86.pte_quick")]
    public uint PteQuick { get; set; }

    /// <summary>Pages on the three quicklists.</summary>
    [Linux("include/asm-i386/processor.h", "cpuinfo_x86.pgtable_cache_sz")]
    public uint PgtableCacheSz { get; set; }

    /// <summary>Physical address of the page directory in use (with PAE, of the 32-byte pointer table).</summary>
    public ulong Cr3 { get; private set; }

    /// <summary>Paging options: <see cref="Cr4Pse"/>, <see cref="Cr4Pae"/>, <see cref="Cr4Pge"/>.</summary>
    public uint Cr4 { get; private set; }

    /// <summary>The last faulting address.</summary>
    public uint Cr2 { get; set; }

    /// <summary>The CPU's translation cache.</summary>
    public Tlb Tlb { get; } = new();

    // With PAE the CPU loads the four pointer-table entries when cr3 is written and walks from
    // those copies; a later change to the table in memory is not seen until the next cr3 load.
    // That is why Linux never clears or changes a PAE pgd entry of a live page directory.
    private readonly ulong[] _pdpte = new ulong[4];

    /// <summary>The PAE pointer-table entries cached at the last cr3 load.</summary>
    /// <param name="i">0 to 3.</param>
    public ulong Pdpte(int i) => _pdpte[i];

    /// <summary>Writes cr3: switches page directory and drops every non-global TLB entry (with PAE, reloads the four pointer-table entries).</summary>
    /// <param name="cr3">Physical address of the page directory.</param>
    public void LoadCr3(ulong cr3)
    {
        Cr3 = cr3;
        LoadPdptes();
        Tlb.Flush();
    }

    /// <summary>Writes cr4. Changing PSE, PAE or PGE flushes the whole TLB and, with PAE on, reloads the pointer-table entries, as the hardware does.</summary>
    /// <param name="value">The new cr4.</param>
    public void WriteCr4(uint value)
    {
        uint changed = value ^ Cr4;
        Cr4 = value;
        if ((changed & (Cr4Pse | Cr4Pae | Cr4Pge)) != 0)
        {
            Tlb.FlushAll();
            LoadPdptes();
        }
    }

    private void LoadPdptes()
    {
        if ((Cr4 & Cr4Pae) == 0)
            return;
        for (int i = 0; i < 4; i++)
            _pdpte[i] = _phys.ReadU64((Cr3 & ~0x1FUL) + (ulong)i * 8);
    }

    /// <inheritdoc/>
    public override string ToString() => $"CPU{Id} cr3=0x{Cr3:x} cr4=0x{Cr4:x}";
}
