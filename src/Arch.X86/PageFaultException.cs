namespace LinuxVm.Arch.X86;

/// <summary>
/// A page fault (exception 14) that no handler resolved: the MMU could not translate
/// <see cref="Address"/> for the access described by <see cref="ErrorCode"/>.
/// </summary>
/// <remarks>
/// The error code the CPU pushes:
/// <code>
///  bit 2  U/S  1 = the access came from user mode (CPL 3)
///  bit 1  W/R  1 = the access was a write
///  bit 0  P    1 = protection violation on a present page, 0 = page not present
/// </code>
/// The faulting address is what the CPU leaves in cr2.
/// </remarks>
public sealed class PageFaultException : Exception
{
    /// <summary>Not present (0) or protection violation (1).</summary>
    public const uint ProtectionBit = 1;
    /// <summary>Write access.</summary>
    public const uint WriteBit = 2;
    /// <summary>User-mode access.</summary>
    public const uint UserBit = 4;

    /// <summary>Creates the fault for <paramref name="address"/> with <paramref name="errorCode"/>.</summary>
    /// <param name="address">The faulting linear address (cr2).</param>
    /// <param name="errorCode">The error code bits.</param>
    /// <param name="cpu">The CPU that faulted.</param>
    public PageFaultException(uint address, uint errorCode, int cpu)
        : base($"page fault on CPU {cpu} at 0x{address:x8}, error code {errorCode} " +
               $"({((errorCode & ProtectionBit) != 0 ? "protection" : "not present")}, " +
               $"{((errorCode & WriteBit) != 0 ? "write" : "read")}, {((errorCode & UserBit) != 0 ? "user" : "kernel")})")
    {
        Address = address;
        ErrorCode = errorCode;
        Cpu = cpu;
    }

    /// <summary>The faulting address (cr2).</summary>
    public uint Address { get; }

    /// <summary>The error code.</summary>
    public uint ErrorCode { get; }

    /// <summary>The CPU that took the fault.</summary>
    public int Cpu { get; }

    /// <summary>True for a protection violation, false for a page that was not present.</summary>
    public bool Protection => (ErrorCode & ProtectionBit) != 0;

    /// <summary>True when the access was a write.</summary>
    public bool Write => (ErrorCode & WriteBit) != 0;

    /// <summary>True when the access came from user mode.</summary>
    public bool User => (ErrorCode & UserBit) != 0;
}
