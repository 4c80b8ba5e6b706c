namespace LinuxVm.Arch.X86;

/// <summary>
/// The simulated PC BIOS's answer to INT 15h AX=E820h: the physical memory map it hands to the
/// kernel's setup.S, built from the installed RAM the way a BIOS of the Pentium III era did.
/// </summary>
/// <remarks>
/// <code>
///  0x00000000 - 0x0009F000  usable    conventional memory (636 KiB)
///  0x0009F000 - 0x000A0000  reserved  extended BIOS data area
///  (0xA0000 - 0xF0000: VGA window and option ROMs, not reported at all)
///  0x000F0000 - 0x00100000  reserved  system BIOS ROM
///  0x00100000 - top         usable    extended memory
///  0xFEC00000 - 0xFEC01000  reserved  I/O APIC
///  0xFEE00000 - 0xFEE01000  reserved  local APIC
///  0xFFF80000 - 0x100000000 reserved  BIOS flash
/// </code>
/// Decision: PCI devices need addresses below 4 GiB, so the chipset keeps a hole from 3.5 GiB
/// (<see cref="PciHoleStart"/>) to 4 GiB. On a machine with more than 3.5 GiB of RAM the BIOS
/// remaps the RAM that would sit in the hole to just above 4 GiB (a 4 GiB machine reports usable
/// RAM up to 3.5 GiB and again from 4 GiB to 4.5 GiB). Only a PAE kernel can reach the remapped
/// part; a 2-level kernel stops at 4 GiB, as find_max_low_pfn warns.
/// </remarks>
public static class Bios
{
    /// <summary>Top of conventional memory the BIOS reports (setup.c's LOWMEMSIZE()).</summary>
    public const ulong LowMemSize = 0x9F000;

    /// <summary>Where the PCI hole begins: RAM above this address is remapped above 4 GiB.</summary>
    public const ulong PciHoleStart = 0xE0000000;

    /// <summary>The memory map of a PC with <paramref name="ramBytes"/> of RAM, in the order the BIOS reports it.</summary>
    /// <param name="ramBytes">Installed RAM.</param>
    public static E820Entry[] E820Map(ulong ramBytes)
    {
        var map = new List<E820Entry>
        {
            new(0, LowMemSize, E820.Ram),
            new(LowMemSize, 0xA0000 - LowMemSize, E820.Reserved),
            new(0xF0000, 0x10000, E820.Reserved),
        };
        ulong below = Math.Min(ramBytes, PciHoleStart);
        map.Add(new(E820.HighMemory, below - E820.HighMemory, E820.Ram));
        map.Add(new(0xFEC00000, 0x1000, E820.Reserved));
        map.Add(new(0xFEE00000, 0x1000, E820.Reserved));
        map.Add(new(0xFFF80000, 0x80000, E820.Reserved));
        if (ramBytes > PciHoleStart)
            map.Add(new(1UL << 32, ramBytes - PciHoleStart, E820.Ram));
        return [.. map];
    }
}
