using LinuxVm.Mm;

namespace LinuxVm.Arch.X86;

/// <summary>One range of the BIOS memory map, <c>struct e820entry</c> (include/asm-i386/e820.h).</summary>
/// <param name="Addr">Physical start.</param>
/// <param name="Size">Bytes.</param>
/// <param name="Type">E820_RAM, E820_RESERVED, E820_ACPI or E820_NVS.</param>
[Linux("include/asm-i386/e820.h", "struct e820entry")]
public readonly record struct E820Entry(
    [property: Linux("include/asm-i386/e820.h", "e820entry.addr")] ulong Addr,
    [property: Linux("include/asm-i386/e820.h", "e820entry.size")] ulong Size,
    [property: Linux("include/asm-i386/e820.h", "e820entry.type")] uint Type)
{
    /// <summary>First byte past the range.</summary>
    public ulong End => Addr + Size;

    /// <summary>The type as print_memory_map names it.</summary>
    public string TypeName => Type switch
    {
        E820.Ram => "usable",
        E820.Reserved => "reserved",
        E820.Acpi => "ACPI data",
        E820.Nvs => "ACPI NVS",
        _ => $"type {Type}",
    };
}

/// <summary>
/// The kernel's copy of the BIOS memory map, <c>struct e820map</c>, and the constants of
/// include/asm-i386/e820.h. setup.S asks the BIOS (INT 15h, AX=E820h) for the ranges; setup.c
/// copies them here; every later decision about which frames are RAM reads this table.
/// </summary>
[Linux("include/asm-i386/e820.h", "struct e820map")]
public sealed class E820
{
    /// <summary>Most entries the table holds.</summary>
    [Linux("include/asm-i386/e820.h", "E820MAX")] public const int E820Max = 32;
    /// <summary>Usable RAM.</summary>
    [Linux("include/asm-i386/e820.h", "E820_RAM")] public const uint Ram = 1;
    /// <summary>Reserved: ROM, device memory, firmware.</summary>
    [Linux("include/asm-i386/e820.h", "E820_RESERVED")] public const uint Reserved = 2;
    /// <summary>ACPI tables (reclaimable once read).</summary>
    [Linux("include/asm-i386/e820.h", "E820_ACPI")] public const uint Acpi = 3;
    /// <summary>ACPI non-volatile storage.</summary>
    [Linux("include/asm-i386/e820.h", "E820_NVS")] public const uint Nvs = 4;
    /// <summary>Where "high" (above the first megabyte) memory starts.</summary>
    [Linux("include/asm-i386/e820.h", "HIGH_MEMORY")] public const uint HighMemory = 1024 * 1024;

    /// <summary>Entries in use.</summary>
    [Linux("include/asm-i386/e820.h", "e820map.nr_map")]
    public int NrMap { get; set; }

    /// <summary>The entries; the first <see cref="NrMap"/> are valid.</summary>
    [Linux("include/asm-i386/e820.h", "e820map.map")]
    public E820Entry[] Map { get; } = new E820Entry[E820Max];

    /// <summary>The valid entries.</summary>
    public IEnumerable<E820Entry> Entries => Map.Take(NrMap);
}
