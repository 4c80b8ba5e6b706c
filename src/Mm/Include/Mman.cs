namespace LinuxVm.Mm.Include;

/// <summary>
/// The flags of the memory system calls (include/asm-i386/mman.h and include/linux/mman.h):
/// page protections, mapping types and modifiers, mlockall and mremap flags.
/// </summary>
public static class Mman
{
    /// <summary>No access.</summary>
    [Linux("include/asm-i386/mman.h", "PROT_NONE")] public const uint ProtNone = 0x0;
    /// <summary>Pages may be read.</summary>
    [Linux("include/asm-i386/mman.h", "PROT_READ")] public const uint ProtRead = 0x1;
    /// <summary>Pages may be written.</summary>
    [Linux("include/asm-i386/mman.h", "PROT_WRITE")] public const uint ProtWrite = 0x2;
    /// <summary>Pages may be executed.</summary>
    [Linux("include/asm-i386/mman.h", "PROT_EXEC")] public const uint ProtExec = 0x4;

    /// <summary>Writes are shared with every other mapper.</summary>
    [Linux("include/asm-i386/mman.h", "MAP_SHARED")] public const uint MapShared = 0x01;
    /// <summary>Writes are private (copy-on-write).</summary>
    [Linux("include/asm-i386/mman.h", "MAP_PRIVATE")] public const uint MapPrivate = 0x02;
    /// <summary>The bits that hold the mapping type.</summary>
    [Linux("include/asm-i386/mman.h", "MAP_TYPE")] public const uint MapType = 0x0f;
    /// <summary>Map exactly at the address given, replacing what is there.</summary>
    [Linux("include/asm-i386/mman.h", "MAP_FIXED")] public const uint MapFixed = 0x10;
    /// <summary>No file: zero-filled memory.</summary>
    [Linux("include/asm-i386/mman.h", "MAP_ANONYMOUS")] public const uint MapAnonymous = 0x20;
    /// <summary>A stack-like region that grows down.</summary>
    [Linux("include/asm-i386/mman.h", "MAP_GROWSDOWN")] public const uint MapGrowsdown = 0x0100;
    /// <summary>Writing to the file is refused while it is mapped (ETXTBSY).</summary>
    [Linux("include/asm-i386/mman.h", "MAP_DENYWRITE")] public const uint MapDenywrite = 0x0800;
    /// <summary>The mapping is of the program's executable.</summary>
    [Linux("include/asm-i386/mman.h", "MAP_EXECUTABLE")] public const uint MapExecutable = 0x1000;
    /// <summary>Lock the pages in memory.</summary>
    [Linux("include/asm-i386/mman.h", "MAP_LOCKED")] public const uint MapLocked = 0x2000;
    /// <summary>Do not check that memory is available (no reservation).</summary>
    [Linux("include/asm-i386/mman.h", "MAP_NORESERVE")] public const uint MapNoreserve = 0x4000;

    /// <summary>mlockall: lock every current mapping.</summary>
    [Linux("include/asm-i386/mman.h", "MCL_CURRENT")] public const int MclCurrent = 1;
    /// <summary>mlockall: lock every future mapping.</summary>
    [Linux("include/asm-i386/mman.h", "MCL_FUTURE")] public const int MclFuture = 2;

    /// <summary>mremap may move the mapping when it cannot grow in place.</summary>
    [Linux("include/linux/mman.h", "MREMAP_MAYMOVE")] public const uint MremapMaymove = 1;
    /// <summary>mremap moves the mapping to the address given (implies MAYMOVE).</summary>
    [Linux("include/linux/mman.h", "MREMAP_FIXED")] public const uint MremapFixed = 2;
}
