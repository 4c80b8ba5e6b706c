namespace LinuxVm.Mm.Arch;

/// <summary>
/// A page-global-directory entry, <c>pgd_t</c> (include/asm-i386/page.h): the top of the walk.
/// Without PAE there are 1024 of them, each covering 4 MiB; with PAE there are 4 (the CPU's page
/// directory pointer table), each covering 1 GiB.
/// </summary>
/// <remarks>
/// On i386 Linux never treats a pgd entry as missing or bad: in the 2-level layout the pgd entry
/// <em>is</em> the pmd, and in the PAE layout every pgd entry always points at a pmd page (user
/// slots at a private one, unused kernel slots at the zero page), so the tests below are constant.
/// </remarks>
/// <param name="Value">The entry (<c>pgd_val</c>).</param>
[Linux("include/asm-i386/page.h", "pgd_t")]
public readonly record struct Pgd([property: Linux("include/asm-i386/page.h", "pgd_val")] ulong Value)
{
    /// <summary>Always false on i386.</summary>
    [Linux("include/asm-i386/pgtable-2level.h", "pgd_none")]
    [Linux("include/asm-i386/pgtable-3level.h", "pgd_none")]
    public bool None => false;

    /// <summary>Always false on i386.</summary>
    [Linux("include/asm-i386/pgtable-2level.h", "pgd_bad")]
    [Linux("include/asm-i386/pgtable-3level.h", "pgd_bad")]
    public bool Bad => false;

    /// <summary>Always true on i386.</summary>
    [Linux("include/asm-i386/pgtable-2level.h", "pgd_present")]
    [Linux("include/asm-i386/pgtable-3level.h", "pgd_present")]
    public bool Present => true;

    /// <inheritdoc/>
    public override string ToString() => $"pgd 0x{Value:x}";
}
