using Microsoft.CodeAnalysis;

namespace LinuxVm.DocGen.Graph;

/// <summary>Stage 3's product: who calls whom among the ported kernel functions.</summary>
public sealed class CallGraph
{
    private readonly Dictionary<IMethodSymbol, FunctionNode> _byMethod = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<string, FunctionNode> _byKey = new(StringComparer.Ordinal);

    /// <summary>Creates the graph over <paramref name="nodes"/> (edges already filled in).</summary>
    public CallGraph(IReadOnlyList<FunctionNode> nodes)
    {
        Nodes = nodes;
        foreach (var n in nodes)
        {
            _byMethod[n.Method] = n;
            _byKey.TryAdd(n.Kernel.Key, n);
        }
    }

    /// <summary>Every ported function, by kernel file then source order.</summary>
    public IReadOnlyList<FunctionNode> Nodes { get; }

    /// <summary>The node of a method, or null when the method is not a ported function.</summary>
    public FunctionNode? Of(ISymbol? method) =>
        method is IMethodSymbol m && _byMethod.TryGetValue((IMethodSymbol)m.OriginalDefinition, out var n) ? n : null;

    /// <summary>The node for kernel name <c>file:name</c>, or null.</summary>
    public FunctionNode? Of(string key) => _byKey.GetValueOrDefault(key);

    /// <summary>
    /// The nodes within <paramref name="depth"/> calls of <paramref name="root"/> in one direction,
    /// with the edges between them that lead away from the root, breadth first.
    /// </summary>
    public (List<FunctionNode> Nodes, List<(FunctionNode From, FunctionNode To, bool Indirect)> Edges) Neighbourhood(
        FunctionNode root, bool callees, int depth)
    {
        var seen = new Dictionary<FunctionNode, int> { [root] = 0 };
        var order = new List<FunctionNode> { root };
        var edges = new List<(FunctionNode, FunctionNode, bool)>();
        var queue = new Queue<FunctionNode>([root]);
        while (queue.Count > 0)
        {
            var n = queue.Dequeue();
            int d = seen[n];
            if (d == depth)
                continue;
            foreach (var e in callees ? n.Callees : n.Callers)
            {
                edges.Add(callees ? (n, e.Target, e.Indirect) : (e.Target, n, e.Indirect));
                if (seen.TryAdd(e.Target, d + 1))
                {
                    order.Add(e.Target);
                    queue.Enqueue(e.Target);
                }
            }
        }
        return (order, edges);
    }
}
