namespace LinuxVm.Mm.Arch;

/// <summary>
/// The slots for atomic kmaps, <c>enum km_type</c> (include/asm-i386/kmap_types.h). Each CPU owns
/// one fixmap page per slot, so code that may interrupt other code (a softirq copying a network
/// buffer while a process copies a user page) uses a different slot and never clobbers a mapping.
/// </summary>
[Linux("include/asm-i386/kmap_types.h", "km_type")]
public enum KmType
{
    /// <summary>Bounce buffers for reads into high pages.</summary>
    [Linux("include/asm-i386/kmap_types.h", "KM_BOUNCE_READ")] BounceRead,
    /// <summary>SUN RPC socket data.</summary>
    [Linux("include/asm-i386/kmap_types.h", "KM_SKB_SUNRPC_DATA")] SkbSunrpcData,
    /// <summary>Socket buffer data in a softirq.</summary>
    [Linux("include/asm-i386/kmap_types.h", "KM_SKB_DATA_SOFTIRQ")] SkbDataSoftirq,
    /// <summary>First user-page slot (copy_user_highpage's source, clear_user_highpage).</summary>
    [Linux("include/asm-i386/kmap_types.h", "KM_USER0")] User0,
    /// <summary>Second user-page slot (copy_user_highpage's destination).</summary>
    [Linux("include/asm-i386/kmap_types.h", "KM_USER1")] User1,
    /// <summary>Bottom-half interrupt work.</summary>
    [Linux("include/asm-i386/kmap_types.h", "KM_BH_IRQ")] BhIrq,
    /// <summary>Number of slots per CPU.</summary>
    [Linux("include/asm-i386/kmap_types.h", "KM_TYPE_NR")] TypeNr,
}
