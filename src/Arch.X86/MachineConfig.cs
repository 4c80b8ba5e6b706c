namespace LinuxVm.Arch.X86;

/// <summary>What to build a simulated PC with.</summary>
public sealed record MachineConfig
{
    /// <summary>Smallest machine: 4 MiB, what 2.4 still booted on.</summary>
    public const ulong MinRam = 4UL << 20;

    /// <summary>Largest machine: 4 GiB of installed RAM.</summary>
    public const ulong MaxRam = 4UL << 30;

    /// <summary>Installed RAM in bytes, a multiple of 4 KiB from 4 MiB to 4 GiB. Default 64 MiB.</summary>
    public ulong RamBytes { get; init; } = 64UL << 20;

    /// <summary>True for a kernel built with CONFIG_HIGHMEM64G (PAE page tables); false for CONFIG_HIGHMEM4G.</summary>
    public bool Pae { get; init; }

    /// <summary>Number of CPUs, 1 to NR_CPUS (32). Default 1.</summary>
    public int Cpus { get; init; } = 1;

    /// <summary>Whether the CPU offers 4 MiB pages (a Pentium III does). Turning it off makes pagetable_init build 4 KiB page tables for the direct map.</summary>
    public bool Pse { get; init; } = true;

    /// <summary>A kernel built with CONFIG_DEBUG_SLAB: red zones, poisoning and extra checks in the slab allocator, and slab statistics.</summary>
    public bool DebugSlab { get; init; }

    /// <summary>
    /// The last step of the boot to run, or null (the default) for the whole boot. Tests stop
    /// early to look at a machine half-built: bootmem right after setup_memory, the buddy
    /// allocator right after mem_init, the slab allocator before its per-CPU arrays.
    /// </summary>
    public BootStage? StopAfter { get; init; }

    /// <summary>
    /// A zone layout chosen by hand instead of the one the boot computes (ZONE_DMA below 16 MiB,
    /// ZONE_NORMAL up to 896 MiB, ZONE_HIGHMEM above), or null (the default). Tests of the
    /// allocators use it for small zones of every kind, such as 4 MiB of each on a 16 MiB PC.
    /// </summary>
    /// <remarks>
    /// No PC boots like this: MAX_DMA_ADDRESS fixes ZONE_DMA at 16 MiB, and 2.4.20's highmem=
    /// option refuses to leave less than 64 MiB of low memory. The boot takes the layout in the
    /// two places that decide it, find_max_low_pfn (where low memory ends) and zone_sizes_init;
    /// everything else runs as on any PC. The sizes must add up to the RAM, ZONE_DMA must lie
    /// below 16 MiB, and low memory must be at least 8 MiB (head.S maps the first 8 MiB, where
    /// the kernel image and the boot-time allocations live).
    /// </remarks>
    public ZoneSizes? Zones { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> when a value is out of range; the message names the value and what is allowed.</summary>
    public void Validate()
    {
        if (RamBytes < MinRam || RamBytes > MaxRam)
            throw new ArgumentException($"RAM must be between 4 MiB and 4 GiB, not {RamBytes} bytes");
        if (RamBytes % 4096 != 0)
            throw new ArgumentException($"RAM must be a whole number of 4 KiB pages, not {RamBytes} bytes");
        if (Cpus < 1 || Cpus > I386.NrCpus)
            throw new ArgumentException($"a machine has 1 to {I386.NrCpus} CPUs, not {Cpus}");
        if (StopAfter is { } stop && !Enum.IsDefined(stop))
            throw new ArgumentException($"MachineConfig.StopAfter: {(int)stop} is not a step of the boot");
        if (DebugSlab && StopAfter < BootStage.KmemCacheInit)
            throw new ArgumentException($"MachineConfig.DebugSlab needs the boot to reach kmem_cache_init, but StopAfter is {StopAfter}");
        if (Zones is { } z)
            ValidateZones(z);
    }

    private void ValidateZones(ZoneSizes z)
    {
        const uint maxDmaPages = (16u << 20) >> 12;        // MAX_DMA_ADDRESS
        const uint minLowPages = (8u << 20) >> 12;         // what head.S maps
        const uint maxLowPages = (896u << 20) >> 12;       // MAXMEM_PFN
        ulong ramPages = RamBytes >> 12;
        if (StopAfter == BootStage.Startup32)
            throw new ArgumentException("MachineConfig.Zones has no effect on a boot that stops at Startup32, before setup_arch sizes memory");
        if (RamBytes > Bios.PciHoleStart)
            throw new ArgumentException($"MachineConfig.Zones needs RAM below the PCI hole at 3.5 GiB, not {RamBytes} bytes");
        if ((ulong)z.Dma + z.Normal + z.HighMem != ramPages)
            throw new ArgumentException($"MachineConfig.Zones: {z.Dma} + {z.Normal} + {z.HighMem} pages is not the machine's {ramPages} pages of RAM");
        if (z.Dma == 0 || z.Dma > maxDmaPages)
            throw new ArgumentException($"MachineConfig.Zones: ZONE_DMA must be 1 to {maxDmaPages} pages (ISA DMA reaches 16 MiB), not {z.Dma}");
        if (z.LowPages < minLowPages || z.LowPages > maxLowPages)
            throw new ArgumentException($"MachineConfig.Zones: low memory (ZONE_DMA + ZONE_NORMAL) must be {minLowPages} to {maxLowPages} pages (8 MiB to 896 MiB), not {z.LowPages}");
    }

    /// <summary>
    /// Parses a size such as <c>64M</c>, <c>1G</c>, <c>4096K</c>, <c>64MiB</c> or a plain byte
    /// count (K, M and G are powers of 1024; no sign, no fraction).
    /// </summary>
    /// <param name="text">The size.</param>
    /// <exception cref="FormatException">The text is not a size, or one too large for 64 bits; the message says which.</exception>
    public static ulong ParseSize(string text) =>
        TryParseSize(text, out ulong bytes, out string? error) ? bytes : throw new FormatException(error);

    /// <summary>Parses a size as <see cref="ParseSize"/> does, without throwing.</summary>
    /// <param name="text">The size.</param>
    /// <param name="bytes">The size in bytes, when it parses.</param>
    /// <param name="error">Why it does not parse ("'1.5G' is not a size ..."), or null.</param>
    public static bool TryParseSize(string? text, out ulong bytes, out string? error)
    {
        bytes = 0;
        error = null;
        string t = (text ?? "").Trim().ToUpperInvariant();
        if (t.EndsWith("IB", StringComparison.Ordinal))
            t = t[..^2];
        else if (t.EndsWith('B'))
            t = t[..^1];
        int shift = t.Length == 0 ? 0 : t[^1] switch { 'K' => 10, 'M' => 20, 'G' => 30, _ => 0 };
        if (shift != 0)
            t = t[..^1];
        if (!ulong.TryParse(t, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out ulong n))
        {
            // Digits alone that do not parse are a number too large for 64 bits, not a typo.
            error = t.Length > 0 && t.All(char.IsAsciiDigit) ? $"'{text}' is too large" : $"'{text}' is not a size";
            return false;
        }
        if (n > ulong.MaxValue >> shift)
        {
            error = $"'{text}' is too large";
            return false;
        }
        bytes = n << shift;
        return true;
    }
}
