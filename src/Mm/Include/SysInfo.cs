namespace LinuxVm.Mm.Include;

/// <summary>
/// Memory statistics, <c>struct sysinfo</c> (include/linux/kernel.h), as si_meminfo and
/// si_swapinfo fill them for /proc/meminfo. Counts are in units of <see cref="MemUnit"/> bytes.
/// </summary>
[Linux("include/linux/kernel.h", "struct sysinfo")]
public sealed class SysInfo
{
    /// <summary>Usable RAM.</summary>
    [Linux("include/linux/kernel.h", "sysinfo.totalram")] public uint TotalRam;
    /// <summary>Free RAM.</summary>
    [Linux("include/linux/kernel.h", "sysinfo.freeram")] public uint FreeRam;
    /// <summary>Shared RAM (always 0 in 2.4 on i386).</summary>
    [Linux("include/linux/kernel.h", "sysinfo.sharedram")] public uint SharedRam;
    /// <summary>RAM used by buffers.</summary>
    [Linux("include/linux/kernel.h", "sysinfo.bufferram")] public uint BufferRam;
    /// <summary>Total swap space.</summary>
    [Linux("include/linux/kernel.h", "sysinfo.totalswap")] public uint TotalSwap;
    /// <summary>Free swap space.</summary>
    [Linux("include/linux/kernel.h", "sysinfo.freeswap")] public uint FreeSwap;
    /// <summary>High memory.</summary>
    [Linux("include/linux/kernel.h", "sysinfo.totalhigh")] public uint TotalHigh;
    /// <summary>Free high memory.</summary>
    [Linux("include/linux/kernel.h", "sysinfo.freehigh")] public uint FreeHigh;
    /// <summary>Bytes per unit of the counts above (PAGE_SIZE on i386).</summary>
    [Linux("include/linux/kernel.h", "sysinfo.mem_unit")] public uint MemUnit;
}
