using LinuxVm.Mm;
using LinuxVm.Mm.Arch;

namespace LinuxVm.Arch.X86;

/// <summary>
/// The compile-time virtual addresses of include/asm-i386/fixmap.h, <c>enum fixed_addresses</c>,
/// for the configuration simulated here (Pentium III, SMP with local and I/O APIC, CONFIG_HIGHMEM,
/// NR_CPUS = 32). Slot <c>i</c> is the page at FIXADDR_TOP - i * PAGE_SIZE, so slots grow downwards.
/// </summary>
/// <remarks>
/// <code>
///  idx   0        FIX_APIC_BASE           local APIC registers
///  idx   1 ..   8 FIX_IO_APIC_BASE_0..END one per I/O APIC (MAX_IO_APICS = 8)
///                 (no FIX_F00F: a Pentium III has CONFIG_X86_F00F_WORKS_OK)
///  idx   9 .. 200 FIX_KMAP_BEGIN..END     KM_TYPE_NR (6) atomic-kmap slots per CPU x 32 CPUs
///  idx 201 .. 216 FIX_BTMAP_END..BEGIN    16 boot-time ioremap slots (not permanent)
/// </code>
/// FIXADDR_START, the bottom of the permanent slots, is FIXADDR_TOP - 201 pages = 0xFFF35000.
/// </remarks>
public static class Fixmap
{
    /// <summary>The local APIC's page.</summary>
    [Linux("include/asm-i386/fixmap.h", "FIX_APIC_BASE")] public const int FixApicBase = 0;
    /// <summary>The first I/O APIC's page.</summary>
    [Linux("include/asm-i386/fixmap.h", "FIX_IO_APIC_BASE_0")] public const int FixIoApicBase0 = 1;
    /// <summary>The last I/O APIC's page.</summary>
    [Linux("include/asm-i386/fixmap.h", "FIX_IO_APIC_BASE_END")] public const int FixIoApicBaseEnd = FixIoApicBase0 + MaxIoApics - 1;
    /// <summary>First atomic-kmap slot.</summary>
    [Linux("include/asm-i386/fixmap.h", "FIX_KMAP_BEGIN")] public const int FixKmapBegin = FixIoApicBaseEnd + 1;
    /// <summary>Last atomic-kmap slot.</summary>
    [Linux("include/asm-i386/fixmap.h", "FIX_KMAP_END")] public const int FixKmapEnd = FixKmapBegin + (int)KmType.TypeNr * I386.NrCpus - 1;
    /// <summary>Number of permanent slots.</summary>
    [Linux("include/asm-i386/fixmap.h", "__end_of_permanent_fixed_addresses")] public const int EndOfPermanentFixedAddresses = FixKmapEnd + 1;
    /// <summary>Boot-time ioremap slots.</summary>
    [Linux("include/asm-i386/fixmap.h", "NR_FIX_BTMAPS")] public const int NrFixBtmaps = 16;
    /// <summary>Lowest-numbered boot-time ioremap slot.</summary>
    [Linux("include/asm-i386/fixmap.h", "FIX_BTMAP_END")] public const int FixBtmapEnd = EndOfPermanentFixedAddresses;
    /// <summary>Highest-numbered boot-time ioremap slot.</summary>
    [Linux("include/asm-i386/fixmap.h", "FIX_BTMAP_BEGIN")] public const int FixBtmapBegin = FixBtmapEnd + NrFixBtmaps - 1;
    /// <summary>Number of slots.</summary>
    [Linux("include/asm-i386/fixmap.h", "__end_of_fixed_addresses")] public const int EndOfFixedAddresses = FixBtmapBegin + 1;

    /// <summary>I/O APICs the kernel supports.</summary>
    [Linux("include/asm-i386/apicdef.h", "MAX_IO_APICS")] public const int MaxIoApics = 8;

    /// <summary>Top of the fixmap area.</summary>
    [Linux("include/asm-i386/fixmap.h", "FIXADDR_TOP")] public const uint FixaddrTop = 0xFFFFE000;
    /// <summary>Bytes of the permanent slots.</summary>
    [Linux("include/asm-i386/fixmap.h", "__FIXADDR_SIZE")] public const uint FixaddrSize = (uint)EndOfPermanentFixedAddresses << 12;
    /// <summary>Bottom of the permanent slots.</summary>
    [Linux("include/asm-i386/fixmap.h", "FIXADDR_START")] public const uint FixaddrStart = FixaddrTop - FixaddrSize;

    /// <summary>Virtual address of slot <paramref name="x"/>, unchecked.</summary>
    /// <param name="x">Slot index.</param>
    [Linux("include/asm-i386/fixmap.h", "__fix_to_virt")]
    public static uint FixToVirtCore(int x) => FixaddrTop - ((uint)x << 12);

    /// <summary>Virtual address of slot <paramref name="idx"/>; an index past the table is a build error in C, an exception here.</summary>
    /// <param name="idx">Slot index.</param>
    [Linux("include/asm-i386/fixmap.h", "fix_to_virt")]
    public static uint FixToVirt(int idx)
    {
        if (idx < 0 || idx >= EndOfFixedAddresses)
            throw new ArgumentOutOfRangeException(nameof(idx), idx, "no such fixmap slot (__this_fixmap_does_not_exist)");
        return FixToVirtCore(idx);
    }
}
