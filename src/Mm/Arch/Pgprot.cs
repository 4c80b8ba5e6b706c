namespace LinuxVm.Mm.Arch;

/// <summary>
/// Protection bits to put in a pte, <c>pgprot_t</c> (include/asm-i386/page.h): the low twelve
/// bits of an entry, kept in their own type so they are never confused with a whole entry.
/// </summary>
/// <param name="Value">The bits (<c>pgprot_val</c>).</param>
[Linux("include/asm-i386/page.h", "pgprot_t")]
public readonly record struct Pgprot([property: Linux("include/asm-i386/page.h", "pgprot_val")] uint Value)
{
    /// <summary>No access: a not-present pte that Linux still counts as mapped.</summary>
    [Linux("include/asm-i386/pgtable.h", "PAGE_NONE")]
    public static Pgprot PageNone => new(PageBits.ProtNone | PageBits.Accessed);

    /// <summary>A user page writable by every sharer (MAP_SHARED with write).</summary>
    [Linux("include/asm-i386/pgtable.h", "PAGE_SHARED")]
    public static Pgprot PageShared => new(PageBits.Present | PageBits.Rw | PageBits.User | PageBits.Accessed);

    /// <summary>A private user page, read-only until the first write copies it (copy-on-write).</summary>
    [Linux("include/asm-i386/pgtable.h", "PAGE_COPY")]
    public static Pgprot PageCopy => new(PageBits.Present | PageBits.User | PageBits.Accessed);

    /// <summary>A read-only user page.</summary>
    [Linux("include/asm-i386/pgtable.h", "PAGE_READONLY")]
    public static Pgprot PageReadonly => new(PageBits.Present | PageBits.User | PageBits.Accessed);

    /// <summary>A kernel page. The i386 defconfig sets CONFIG_X86_PGE, so MAKE_GLOBAL always adds the global bit.</summary>
    [Linux("include/asm-i386/pgtable.h", "PAGE_KERNEL")]
    [Linux("include/asm-i386/pgtable.h", "MAKE_GLOBAL")]
    public static Pgprot PageKernel => new(PageBits.KernelBits | PageBits.Global);

    /// <summary>A read-only kernel page (global).</summary>
    [Linux("include/asm-i386/pgtable.h", "PAGE_KERNEL_RO")]
    public static Pgprot PageKernelRo => new(PageBits.KernelRoBits | PageBits.Global);

    /// <summary>An uncached kernel page (global), for device memory.</summary>
    [Linux("include/asm-i386/pgtable.h", "PAGE_KERNEL_NOCACHE")]
    public static Pgprot PageKernelNocache => new(PageBits.KernelNocacheBits | PageBits.Global);

    /// <summary>
    /// The protection of a private mapping for each combination of VM_READ (1), VM_WRITE (2) and
    /// VM_EXEC (4): <c>__P000</c> to <c>__P111</c>. A private writable mapping gets PAGE_COPY so that
    /// the first write faults and copies.
    /// </summary>
    /// <param name="rwx">VM_READ | VM_WRITE | VM_EXEC, 0 to 7.</param>
    [Linux("include/asm-i386/pgtable.h", "__P000")] [Linux("include/asm-i386/pgtable.h", "__P001")]
    [Linux("include/asm-i386/pgtable.h", "__P010")] [Linux("include/asm-i386/pgtable.h", "__P011")]
    [Linux("include/asm-i386/pgtable.h", "__P100")] [Linux("include/asm-i386/pgtable.h", "__P101")]
    [Linux("include/asm-i386/pgtable.h", "__P110")] [Linux("include/asm-i386/pgtable.h", "__P111")]
    public static Pgprot Private(int rwx) => (rwx & 7) switch
    {
        0 => PageNone,
        1 or 4 or 5 => PageReadonly,
        _ => PageCopy, // 2, 3, 6, 7: anything writable starts out copy-on-write
    };

    /// <summary>
    /// The protection of a shared mapping for each combination of VM_READ, VM_WRITE and VM_EXEC:
    /// <c>__S000</c> to <c>__S111</c>. i386 cannot forbid execution, and write implies read.
    /// </summary>
    /// <param name="rwx">VM_READ | VM_WRITE | VM_EXEC, 0 to 7.</param>
    [Linux("include/asm-i386/pgtable.h", "__S000")] [Linux("include/asm-i386/pgtable.h", "__S001")]
    [Linux("include/asm-i386/pgtable.h", "__S010")] [Linux("include/asm-i386/pgtable.h", "__S011")]
    [Linux("include/asm-i386/pgtable.h", "__S100")] [Linux("include/asm-i386/pgtable.h", "__S101")]
    [Linux("include/asm-i386/pgtable.h", "__S110")] [Linux("include/asm-i386/pgtable.h", "__S111")]
    public static Pgprot Shared(int rwx) => (rwx & 7) switch
    {
        0 => PageNone,
        1 or 4 or 5 => PageReadonly,
        _ => PageShared,
    };

    /// <inheritdoc/>
    public override string ToString() => $"pgprot 0x{Value:x3}";
}
