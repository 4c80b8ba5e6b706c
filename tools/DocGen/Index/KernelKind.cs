namespace LinuxVm.DocGen.Index;

/// <summary>What sort of kernel identifier a ported member stands for, as the cross-reference groups them.</summary>
public enum KernelKind
{
    /// <summary>A function, or a function-like macro or inline from a header.</summary>
    Function,
    /// <summary>A struct, union or typedef.</summary>
    Struct,
    /// <summary>A field of a struct, spelled <c>struct_name.field</c>.</summary>
    Field,
    /// <summary>A constant, flag or object-like macro (<c>MAX_ORDER</c>, <c>__GFP_WAIT</c>).</summary>
    Constant,
    /// <summary>A global variable (<c>mem_map</c>, <c>nr_swap_pages</c>).</summary>
    Variable,
}
