namespace Fixture;

/// <summary>An operation table, as vm_operations_struct is.</summary>
[Linux("include/linux/mm.h", "struct vm_operations_struct")]
public sealed class VmOps
{
    /// <summary>Finds the page for a fault.</summary>
    [Linux("include/linux/mm.h", "vm_operations_struct.nopage")]
    public Func<int, Page?>? Nopage { get; init; }
}

/// <summary>A file mapping that fills the table.</summary>
public sealed class Filemap
{
    /// <summary>The table of a generic file mapping.</summary>
    [Linux("mm/filemap.c", "generic_file_vm_ops")]
    public VmOps GenericFileVmOps { get; }

    /// <summary>Creates the mapping.</summary>
    public Filemap() => GenericFileVmOps = new VmOps { Nopage = FilemapNopage };

    /// <summary>The page-cache fault handler.</summary>
    [Linux("mm/filemap.c", "filemap_nopage")]
    public Page? FilemapNopage(int address) => address >= 0 ? new Page() : null;

    /// <summary>Handles a fault through the table.</summary>
    [Linux("mm/memory.c", "do_no_page")]
    public Page? DoNoPage(VmOps ops, int address) => ops.Nopage?.Invoke(address);
}
