using LinuxVm.Mm;

namespace LinuxVm.Arch.X86;

/// <summary>
/// Where the pieces of the simulated kernel image (the symbols arch/i386/mm/init.c and
/// pgtable.h declare extern; their values come from vmlinux.lds and head.S) (a 2.4.20 defconfig vmlinux, about 2.5 MiB)
/// sit in kernel virtual memory. The linker script arch/i386/vmlinux.lds places the image at
/// PAGE_OFFSET + 1 MiB; head.S puts its page directory and first page tables at fixed offsets.
/// </summary>
/// <remarks>
/// <code>
///  0xC0100000  _text          head.S: startup code (first page)
///  0xC0101000  swapper_pg_dir the kernel's page directory
///  0xC0102000  pg0            page table for 0-4 MiB used before paging_init
///  0xC0103000  pg1            page table for 4-8 MiB
///  0xC0104000  empty_zero_page
///  0xC0105000  ...            rest of .text
///  _etext .. _edata           .rodata, __ex_table, __ksymtab, .data
///  __init_begin .. __init_end .text.init/.data.init, freed by free_initmem
///  __bss_start .. _end        .bss
/// </code>
/// The section sizes are those of a typical defconfig build (1714 KiB code, 620 KiB data,
/// 116 KiB init); only their sum matters to mm/, through the pages setup_memory reserves.
/// </remarks>
public static class KernelImage
{
    /// <summary>Start of the kernel's code.</summary>
    [Linux("arch/i386/mm/init.c", "_text")] public const uint Text = 0xC0100000;
    /// <summary>The kernel's page directory, the pgd of init_mm.</summary>
    [Linux("include/asm-i386/pgtable.h", "swapper_pg_dir")] public const uint SwapperPgDir = 0xC0101000;
    /// <summary>head.S's page table for physical 0-4 MiB.</summary>
    [Linux("include/asm-i386/pgtable.h", "pg0")] public const uint Pg0 = 0xC0102000;
    /// <summary>head.S's page table for physical 4-8 MiB.</summary>
    public const uint Pg1 = 0xC0103000;
    /// <summary>The page of zeros behind ZERO_PAGE (and, with PAE, behind the unused pgd slots).</summary>
    [Linux("include/asm-i386/pgtable.h", "empty_zero_page")] public const uint EmptyZeroPage = 0xC0104000;
    /// <summary>End of code.</summary>
    [Linux("arch/i386/mm/init.c", "_etext")] public const uint Etext = 0xC02AC8E0;
    /// <summary>End of initialised data.</summary>
    [Linux("arch/i386/mm/init.c", "_edata")] public const uint Edata = 0xC0347A40;
    /// <summary>Start of the init sections (after the 8 KiB init_task union).</summary>
    [Linux("arch/i386/mm/init.c", "__init_begin")] public const uint InitBegin = 0xC034A000;
    /// <summary>End of the init sections (page aligned).</summary>
    [Linux("arch/i386/mm/init.c", "__init_end")] public const uint InitEnd = 0xC0367000;
    /// <summary>Start of .bss.</summary>
    [Linux("arch/i386/mm/init.c", "__bss_start")] public const uint BssStart = 0xC0368000;
    /// <summary>End of the image: setup_memory starts bootmem's bitmap at the next page.</summary>
    [Linux("arch/i386/mm/init.c", "_end")] public const uint End = 0xC038B5A4;
}
