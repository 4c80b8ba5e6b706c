using LinuxVm.DocGen.Index;
using Microsoft.CodeAnalysis;

namespace LinuxVm.DocGen.Graph;

/// <summary>A ported kernel function in the call graph: one C# method with a body and its kernel name.</summary>
public sealed class FunctionNode
{
    /// <summary>The kernel name the node is labelled with (the method's own, or the contract member's it implements).</summary>
    public required KernelSymbol Kernel { get; init; }

    /// <summary>The method with the body.</summary>
    public required IMethodSymbol Method { get; init; }

    /// <summary>Documentation id of <see cref="Method"/>.</summary>
    public required string DocId { get; init; }

    /// <summary>The C# name shown on hover: <c>PageAlloc.Rmqueue</c>.</summary>
    public required string CSharpName { get; init; }

    /// <summary>Repository-relative file of the method body.</summary>
    public required string SourceFile { get; init; }

    /// <summary>1-based line of the method's name.</summary>
    public required int Line { get; init; }

    /// <summary>Ported functions this one calls, in the order the body first calls them.</summary>
    public List<CallEdge> Callees { get; } = [];

    /// <summary>Ported functions that call this one.</summary>
    public List<CallEdge> Callers { get; } = [];

    /// <inheritdoc/>
    public override string ToString() => $"{Kernel.Name} ({CSharpName})";
}

/// <summary>A call from one ported function to another.</summary>
/// <param name="Target">The other end (the callee in <see cref="FunctionNode.Callees"/>, the caller in <see cref="FunctionNode.Callers"/>).</param>
/// <param name="Indirect">True when the call goes through the architecture contract, an operation table or a delegate.</param>
public sealed record CallEdge(FunctionNode Target, bool Indirect);
