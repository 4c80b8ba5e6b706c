using LinuxVm.Mm.Include;

namespace LinuxVm.Mm;

// State and helpers that the kernel keeps outside mm/ but mm/ uses everywhere.
public sealed partial class Kernel
{
    private readonly List<string> _log = [];

    /// <summary>The kernel's own address space (arch/i386/kernel/init_task.c); its pgd is swapper_pg_dir.</summary>
    [Linux("arch/i386/kernel/init_task.c", "init_mm")]
    public MmStruct InitMm { get; }

    /// <summary>Lines the kernel has printed since boot, oldest first.</summary>
    public IReadOnlyList<string> KernelLog => _log;

    /// <summary>Prints a line to the kernel log (<c>printk</c>).</summary>
    /// <param name="line">The message, without a trailing newline.</param>
    [Linux("kernel/printk.c", "printk")]
    public void Printk(string line) => _log.Add(line);

    /// <summary>The descriptor of the page that holds direct-mapped kernel address <paramref name="kaddr"/>.</summary>
    /// <param name="kaddr">A kernel virtual address in the direct map.</param>
    [Linux("include/asm-i386/page.h", "virt_to_page")]
    public Page VirtToPage(uint kaddr) => Memory.MemMap[(int)(Pa(kaddr) >> PageConstants.PageShift)];

    /// <summary>The kernel virtual address of <paramref name="page"/>, or 0 for a high-memory page that is not mapped.</summary>
    /// <param name="page">The page.</param>
    /// <remarks>The kernel is built with CONFIG_HIGHMEM, so the address is the one stored in the page.</remarks>
    [Linux("include/linux/mm.h", "page_address")]
    public uint PageAddress(Page page) => page.Virtual;

    /// <summary>The physical address of <paramref name="page"/>'s frame.</summary>
    /// <param name="page">The page.</param>
    [Linux("include/asm-i386/io.h", "page_to_phys")]
    public ulong PageToPhys(Page page) => (ulong)page.MapNr << PageConstants.PageShift;
}
