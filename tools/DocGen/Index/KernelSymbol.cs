using Microsoft.CodeAnalysis;

namespace LinuxVm.DocGen.Index;

/// <summary>One <c>[Linux(file, name)]</c> attribute: a kernel identifier and the C# symbol that ports it.</summary>
public sealed class KernelSymbol
{
    /// <summary>The kernel identifier exactly as the kernel spells it.</summary>
    public required string Name { get; init; }

    /// <summary>The kernel file that defines it, e.g. <c>mm/page_alloc.c</c>.</summary>
    public required string File { get; init; }

    /// <summary>What sort of identifier it is.</summary>
    public required KernelKind Kind { get; init; }

    /// <summary>The C# symbol carrying the attribute.</summary>
    public required ISymbol Symbol { get; init; }

    /// <summary>The documentation comment id, e.g. <c>M:LinuxVm.Mm.PageAlloc.Rmqueue(LinuxVm.Mm.Include.Zone,System.Int32)</c>.</summary>
    public required string DocId { get; init; }

    /// <summary>The C# name a reader types: <c>PageAlloc.Rmqueue</c>.</summary>
    public required string CSharpName { get; init; }

    /// <summary>Repository-relative source file of the declaration.</summary>
    public required string SourceFile { get; init; }

    /// <summary>1-based line of the declaration's name.</summary>
    public required int Line { get; init; }

    /// <summary>The XML doc summary as Markdown text ("" when there is none).</summary>
    public required string Summary { get; init; }

    /// <summary>The docfx uid of the symbol (the doc id without its kind prefix).</summary>
    public string Uid => DocId.Length > 2 && DocId[1] == ':' ? DocId[2..] : DocId;

    /// <summary>The key that is unique across the port: <c>file:name</c>.</summary>
    public string Key => $"{File}:{Name}";

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({File}) -> {CSharpName}";
}
