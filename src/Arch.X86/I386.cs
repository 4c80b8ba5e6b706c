using LinuxVm.Mm;
using LinuxVm.Mm.Arch;
using LinuxVm.Mm.Include;

namespace LinuxVm.Arch.X86;

/// <summary>
/// The i386 answers to the architecture contract of mm/: the address-space split of page.h, the
/// page-table layout of pgtable.h (2-level, or 3-level PAE, chosen when the kernel is "built"),
/// pgalloc.h's page-table allocation and TLB flushes, fixmap.h and highmem.h's kmap slots, and the
/// simulated CPUs (<see cref="Cpu"/>) with their <see cref="X86.Mmu"/> and <see cref="Tlb"/>.
/// </summary>
/// <remarks>
/// The simulated processor is the Pentium III of the i386 defconfig (CONFIG_MPENTIUMIII): it has
/// PSE (4 MiB pages), PGE (global pages), PAE and invlpg, and its CR0.WP works. The kernel is the
/// SMP build with CONFIG_HIGHMEM4G (2-level) or CONFIG_HIGHMEM64G (PAE).
/// </remarks>
public sealed partial class I386 : IArchitecture
{
    /// <summary>Kernel virtual addresses start here: the 3 GiB / 1 GiB split.</summary>
    [Linux("include/asm-i386/page.h", "__PAGE_OFFSET")]
    public const uint PageOffsetValue = 0xC0000000;

    /// <summary>Address space kept for vmalloc, ioremap, kmap and the fixmap: 128 MiB.</summary>
    [Linux("include/asm-i386/page.h", "__VMALLOC_RESERVE")]
    public const uint VmallocReserveValue = 128 << 20;

    /// <summary>CPUs the kernel is built for (NR_CPUS).</summary>
    public const int NrCpus = 32;

    private readonly PgtableLayout _layout;
    private Kernel? _kernel;
    private Cpu[] _cpus = [];

    /// <summary>Builds the architecture for a kernel compiled with or without PAE.</summary>
    /// <param name="pae">True for CONFIG_HIGHMEM64G (3-level PAE tables), false for CONFIG_HIGHMEM4G (2-level).</param>
    /// <param name="cpuHasPse">Whether the simulated CPU offers 4 MiB pages (a Pentium III does); without it pagetable_init builds 4 KiB page tables for the direct map.</param>
    /// <param name="shapedZones">A zone layout chosen by hand (see <see cref="MachineConfig.Zones"/>), or null for the one the boot computes.</param>
    public I386(bool pae = false, bool cpuHasPse = true, ZoneSizes? shapedZones = null)
    {
        Pae = pae;
        CpuHasPse = cpuHasPse;
        ShapedZones = shapedZones;
        _layout = pae ? new PgtableThreeLevel() : new PgtableTwoLevel();
    }

    /// <inheritdoc/>
    public void Attach(Kernel kernel)
    {
        if (_kernel is not null)
            throw new InvalidOperationException("this architecture object already belongs to a kernel");
        _kernel = kernel;
        _cpus = new Cpu[kernel.SmpNumCpus];
        for (int i = 0; i < _cpus.Length; i++)
            _cpus[i] = new Cpu(i, kernel.Phys);
        // The page-fault handler is wired into the MMU as the IDT entry for exception 14 is set
        // before paging is on: every fault from the first access on goes to do_page_fault.
        Fault = new Fault(this);
        Mmu = new Mmu(kernel.Phys, Fault.HandleException);
        Setup = new Setup(this);
        Init = new Init(this);
        Smpboot = new Smpboot(this);
        Ioremap = new Ioremap(this);
        User = new UserSpace(this);
        Uaccess = new Uaccess(this);
    }

    /// <summary>The zone layout a test machine asked for instead of the computed one (<see cref="MachineConfig.Zones"/>), or null.</summary>
    public ZoneSizes? ShapedZones { get; }

    /// <summary>arch/i386/mm/ioremap.c: mapping device memory into the vmalloc range.</summary>
    public Ioremap Ioremap { get; private set; } = null!;

    /// <summary>arch/i386/kernel/setup.c: the memory map and the start of bootmem.</summary>
    public Setup Setup { get; private set; } = null!;

    /// <summary>arch/i386/mm/init.c: kernel page tables, zones, mem_init.</summary>
    public Init Init { get; private set; } = null!;

    /// <summary>arch/i386/kernel/smpboot.c: the trampoline page and starting the other CPUs.</summary>
    public Smpboot Smpboot { get; private set; } = null!;

    /// <summary>The kernel running on this architecture.</summary>
    public Kernel Kernel => _kernel ?? throw new InvalidOperationException("the architecture is not attached to a kernel yet");

    /// <summary>The page-table layout the kernel was built with.</summary>
    public PgtableLayout Layout => _layout;

    /// <summary>The CPUs, indexed by number.</summary>
    public IReadOnlyList<Cpu> Cpus => _cpus;

    /// <summary>The CPU the simulation is executing on (<c>cpu_data[smp_processor_id()]</c>).</summary>
    [Linux("include/asm-i386/processor.h", "current_cpu_data")]
    public Cpu CurrentCpuData => _cpus[Kernel.CurrentCpu];

    /// <summary>The paging unit shared by the CPUs (each brings its own registers and TLB).</summary>
    public Mmu Mmu { get; private set; } = null!;

    /// <summary>The CPU supports 4 MiB pages.</summary>
    [Linux("include/asm-i386/processor.h", "cpu_has_pse")]
    public bool CpuHasPse { get; }

    /// <summary>The CPU supports global pages (a Pentium III does).</summary>
    [Linux("include/asm-i386/processor.h", "cpu_has_pge")]
    public bool CpuHasPge => true;

    /// <summary>The CPU supports PAE (a Pentium III does).</summary>
    [Linux("include/asm-i386/processor.h", "cpu_has_pae")]
    public bool CpuHasPae => true;

    /// <summary>The CR4 bits the kernel has turned on, copied into each CPU as it starts.</summary>
    [Linux("arch/i386/kernel/setup.c", "mmu_cr4_features")]
    public uint MmuCr4Features { get; private set; }

    /// <summary>Turns on CR4 bits on the current CPU and records them for CPUs started later.</summary>
    /// <param name="mask">The bits.</param>
    [Linux("include/asm-i386/processor.h", "set_in_cr4")]
    public void SetInCr4(uint mask)
    {
        MmuCr4Features |= mask;
        Cpu cpu = CurrentCpuData;
        if ((cpu.Cr4 | mask) != cpu.Cr4)
            cpu.WriteCr4(cpu.Cr4 | mask);
    }

    /// <summary>Starts CPU <paramref name="id"/> the way head.S does for the boot CPU and trampoline.S plus head.S for the others: CR4 from mmu_cr4_features, cr3 at swapper_pg_dir, paging on.</summary>
    /// <param name="id">The CPU.</param>
    public void StartCpu(int id)
    {
        Cpu cpu = _cpus[id];
        cpu.WriteCr4(MmuCr4Features);
        cpu.LoadCr3(Kernel.Pa(KernelImage.SwapperPgDir));
        cpu.Online = true;
    }

    // ----- page.h and friends -----

    /// <inheritdoc/>
    public uint PageOffset => PageOffsetValue;

    /// <inheritdoc/>
    public uint MaxDmaAddress => PageOffsetValue + 0x1000000;

    /// <inheritdoc/>
    public int L1CacheBytes => 32;

    /// <inheritdoc/>
    public int NrCpusMax => NrCpus;

    /// <inheritdoc/>
    public uint VmallocReserve => VmallocReserveValue;

    /// <inheritdoc/>
    public uint Maxmem => unchecked(0u - PageOffsetValue - VmallocReserveValue);

    /// <inheritdoc/>
    public uint TaskSize => PageOffsetValue;

    /// <inheritdoc/>
    public bool Pae { get; }

    /// <inheritdoc/>
    public int GetOrder(uint size)
    {
        size = (size - 1) >> (PageConstants.PageShift - 1);
        int order = -1;
        do
        {
            size >>= 1;
            order++;
        } while (size != 0);
        return order;
    }

    /// <inheritdoc/>
    /// <remarks>The function and the counters it reads are ported in <see cref="X86.Init"/>.</remarks>
    public void SiMeminfo(SysInfo val) => Init.SiMeminfo(val);

    /// <summary>Reads <paramref name="destination"/>.Length bytes at kernel virtual <paramref name="vaddr"/> through the current CPU's MMU.</summary>
    /// <param name="vaddr">First address.</param>
    /// <param name="destination">Where the bytes go.</param>
    public void ReadVirtual(uint vaddr, Span<byte> destination) => Mmu.Read(CurrentCpuData, vaddr, destination);

    /// <summary>Writes bytes at kernel virtual <paramref name="vaddr"/> through the current CPU's MMU.</summary>
    /// <param name="vaddr">First address.</param>
    /// <param name="source">The bytes.</param>
    public void WriteVirtual(uint vaddr, ReadOnlySpan<byte> source) => Mmu.Write(CurrentCpuData, vaddr, source);
}
