using LinuxVm.DocGen.Index;
using LinuxVm.DocGen.Load;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LinuxVm.DocGen.Graph;

/// <summary>
/// Stage 3, Graph: finds the calls between the port's methods in the semantic model, resolves
/// calls through the architecture contract (interfaces, virtual methods) and through operation
/// tables (delegate-typed fields and properties such as a vm_operations_struct's <c>nopage</c>) to
/// the methods the port puts there, and keeps the edges between ported kernel functions, looking
/// through our own helpers (a helper without a kernel name passes its callees on to its caller).
/// </summary>
public static class CallGraphBuilder
{
    private sealed record RawEdge(IMethodSymbol Target, bool Indirect);

    /// <summary>Builds the graph of <paramref name="sources"/> labelled by <paramref name="index"/>.</summary>
    public static CallGraph Build(LoadedSources sources, SymbolIndex index)
    {
        var comp = sources.Compilation;
        var models = sources.Trees.ToDictionary(t => t, sources.Model);
        var tables = OperationTables(sources, models);
        var implementations = Implementations(index);

        // Raw calls of every project method with a body, in source order. Each file is bound on
        // its own thread (the semantic models are thread-safe) and the results are merged in file
        // order, so the graph is the same as a one-thread walk would make.
        var perTree = new List<(IMethodSymbol Method, List<RawEdge> Edges)>[sources.Trees.Count];
        Parallel.For(0, sources.Trees.Count, t =>
        {
            var tree = sources.Trees[t];
            var model = models[tree];
            var found = new List<(IMethodSymbol, List<RawEdge>)>();
            foreach (var decl in tree.GetRoot().DescendantNodes().Where(n => n is BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or ArrowExpressionClauseSyntax { Parent: PropertyDeclarationSyntax or IndexerDeclarationSyntax }))
            {
                bool hasBody = decl switch
                {
                    BaseMethodDeclarationSyntax m => m.Body is not null || m.ExpressionBody is not null,
                    AccessorDeclarationSyntax a => a.Body is not null || a.ExpressionBody is not null,
                    _ => true,
                };
                if (!hasBody || model.GetDeclaredSymbol(decl is ArrowExpressionClauseSyntax arrow ? arrow.Parent! : decl) is not { } declared)
                    continue;
                var method = declared switch
                {
                    IMethodSymbol m => m,
                    IPropertySymbol p => p.GetMethod,
                    _ => null,
                };
                if (method is null)
                    continue;
                var list = new List<RawEdge>();
                foreach (var node in decl.DescendantNodes())
                {
                    if (node is InvocationExpressionSyntax inv)
                        AddInvocation(model, inv, list, tables, implementations);
                    else if (node is ObjectCreationExpressionSyntax or ImplicitObjectCreationExpressionSyntax &&
                             model.GetSymbolInfo(node).Symbol is IMethodSymbol ctor && InSource(ctor))
                        list.Add(new RawEdge(ctor, false));
                }
                found.Add((method, list));
            }
            perTree[t] = found;
        });
        var raw = new Dictionary<IMethodSymbol, List<RawEdge>>(SymbolEqualityComparer.Default);
        foreach (var (method, list) in perTree.SelectMany(x => x))
        {
            if (raw.TryGetValue(method, out var existing))
                existing.AddRange(list);
            else
                raw[method] = list;
        }

        // Kernel-named nodes, in index order.
        var nodes = new List<FunctionNode>();
        var nodeOf = new Dictionary<IMethodSymbol, FunctionNode>(SymbolEqualityComparer.Default);
        foreach (var method in raw.Keys.OrderBy(m => Place(m).File, StringComparer.Ordinal).ThenBy(m => Place(m).Line))
        {
            var kernel = KernelNameOf(method, index);
            if (kernel is null || kernel.Kind != KernelKind.Function)
                continue;
            var (file, line) = Place(method);
            var node = new FunctionNode
            {
                Kernel = kernel,
                Method = method,
                DocId = method.GetDocumentationCommentId() ?? method.Name,
                CSharpName = Indexer.CSharpName(method.MethodKind is MethodKind.PropertyGet ? method.AssociatedSymbol! : method),
                SourceFile = file,
                Line = line,
            };
            nodes.Add(node);
            nodeOf[method] = node;
        }
        nodes.Sort((a, b) =>
        {
            int c = string.CompareOrdinal(a.Kernel.File, b.Kernel.File);
            if (c == 0) c = string.CompareOrdinal(a.SourceFile, b.SourceFile);
            return c != 0 ? c : a.Line.CompareTo(b.Line);
        });

        // Edges between kernel nodes, looking through helpers.
        foreach (var node in nodes)
        {
            var found = new Dictionary<FunctionNode, bool>();
            var order = new List<FunctionNode>();
            var visited = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default) { node.Method };
            void Walk(IMethodSymbol m, bool indirect)
            {
                if (!raw.TryGetValue(m, out var edges))
                    return;
                foreach (var e in edges)
                {
                    bool ind = indirect || e.Indirect;
                    if (nodeOf.TryGetValue(e.Target, out var target))
                    {
                        if (found.TryGetValue(target, out bool was))
                            found[target] = was && ind;
                        else
                        {
                            found[target] = ind;
                            order.Add(target);
                        }
                    }
                    else if (visited.Add(e.Target))
                    {
                        Walk(e.Target, ind);
                    }
                }
            }
            Walk(node.Method, false);
            foreach (var t in order)
            {
                node.Callees.Add(new CallEdge(t, found[t]));
                t.Callers.Add(new CallEdge(node, found[t]));
            }
        }
        return new CallGraph(nodes);
    }

    private static void AddInvocation(SemanticModel model, InvocationExpressionSyntax inv, List<RawEdge> list,
        Dictionary<ISymbol, List<IMethodSymbol>> tables, Dictionary<ISymbol, List<IMethodSymbol>> implementations)
    {
        var info = model.GetSymbolInfo(inv);
        if ((info.Symbol ?? info.CandidateSymbols.FirstOrDefault()) is not IMethodSymbol called)
            return;
        called = called.ReducedFrom ?? called;
        called = (IMethodSymbol)called.OriginalDefinition;

        if (called.MethodKind == MethodKind.DelegateInvoke)
        {
            // A call through a table slot: x.Nopage(...) or x.Nopage.Invoke(...).
            var target = inv.Expression switch
            {
                MemberAccessExpressionSyntax { Name.Identifier.Text: "Invoke" } ma => ma.Expression,
                MemberBindingExpressionSyntax { Name.Identifier.Text: "Invoke" } => inv.FirstAncestorOrSelf<ConditionalAccessExpressionSyntax>()?.Expression ?? inv.Expression,
                _ => inv.Expression,
            };
            if (model.GetSymbolInfo(target).Symbol is { } slot && tables.TryGetValue(slot.OriginalDefinition, out var methods))
                list.AddRange(methods.Select(m => new RawEdge(m, true)));
            return;
        }
        if (!InSource(called))
            return;
        bool viaBase = inv.Expression is MemberAccessExpressionSyntax { Expression: BaseExpressionSyntax };
        bool dispatch = !viaBase && (called.ContainingType.TypeKind == TypeKind.Interface || called.IsAbstract || called.IsVirtual || called.IsOverride);
        if (!called.IsAbstract && called.ContainingType.TypeKind != TypeKind.Interface)
            list.Add(new RawEdge(called, false));
        if (dispatch && implementations.TryGetValue(called, out var impls))
            list.AddRange(impls.Where(i => !SymbolEqualityComparer.Default.Equals(i, called)).Select(i => new RawEdge(i, true)));
    }

    private static bool InSource(ISymbol s) => s.Locations.Any(l => l.IsInSource);

    private static (string File, int Line) Place(IMethodSymbol m)
    {
        var loc = (m.AssociatedSymbol ?? m).Locations.First(l => l.IsInSource).GetLineSpan();
        return (loc.Path, loc.StartLinePosition.Line + 1);
    }

    /// <summary>The kernel name of a method: its own attribute, else that of the contract member it implements or overrides.</summary>
    private static KernelSymbol? KernelNameOf(IMethodSymbol method, SymbolIndex index)
    {
        ISymbol self = method.MethodKind == MethodKind.PropertyGet ? method.AssociatedSymbol! : method;
        if (index.BySymbol(self).FirstOrDefault(k => k.Kind == KernelKind.Function) is { } own)
            return own;
        if (self is IMethodSymbol m)
        {
            for (var o = m.OverriddenMethod; o is not null; o = o.OverriddenMethod)
                if (index.BySymbol(o).FirstOrDefault() is { } k)
                    return k;
            foreach (var iface in m.ContainingType.AllInterfaces)
                foreach (var member in iface.GetMembers(m.Name).OfType<IMethodSymbol>())
                    if (SymbolEqualityComparer.Default.Equals(m.ContainingType.FindImplementationForInterfaceMember(member), m) &&
                        index.BySymbol(member).FirstOrDefault() is { } k)
                        return k;
        }
        return null;
    }

    /// <summary>For each interface, abstract or virtual method of the port, the methods of the port that implement or override it.</summary>
    private static Dictionary<ISymbol, List<IMethodSymbol>> Implementations(SymbolIndex index)
    {
        var map = new Dictionary<ISymbol, List<IMethodSymbol>>(SymbolEqualityComparer.Default);
        void Add(ISymbol key, IMethodSymbol impl)
        {
            if (!map.TryGetValue(key, out var l))
                map[key] = l = [];
            if (!l.Contains(impl, SymbolEqualityComparer.Default))
                l.Add(impl);
        }
        foreach (var type in index.Members.OfType<INamedTypeSymbol>())
        {
            foreach (var iface in type.AllInterfaces)
                foreach (var member in iface.GetMembers().OfType<IMethodSymbol>())
                    if (type.FindImplementationForInterfaceMember(member) is IMethodSymbol impl && impl.Locations.Any(l => l.IsInSource) && !impl.IsAbstract)
                        Add(member.OriginalDefinition, impl);
            foreach (var m in type.GetMembers().OfType<IMethodSymbol>())
                for (var o = m.OverriddenMethod; o is not null; o = o.OverriddenMethod)
                    Add(o.OriginalDefinition, m);
        }
        return map;
    }

    /// <summary>
    /// Operation tables: for every delegate-typed field, property or parameter, the port's methods
    /// stored in it. The port keeps delegates only where the C has function pointers (the
    /// vm_operations_struct and friends, slab constructors, the MMU's fault handler), filled with
    /// method groups: in an assignment or object initializer, as an argument, or through a
    /// constructor that stores its parameter in a field or property (the MMU's fault handler, a
    /// timer's function, a slab cache's constructor). Lambdas are not followed.
    /// </summary>
    private static Dictionary<ISymbol, List<IMethodSymbol>> OperationTables(LoadedSources sources, Dictionary<SyntaxTree, SemanticModel> models)
    {
        var map = new Dictionary<ISymbol, List<IMethodSymbol>>(SymbolEqualityComparer.Default);
        var copies = new List<(ISymbol To, ISymbol From)>();
        void Add(ISymbol slot, IMethodSymbol m)
        {
            slot = slot.OriginalDefinition;
            if (!map.TryGetValue(slot, out var l))
                map[slot] = l = [];
            if (!l.Contains(m, SymbolEqualityComparer.Default))
                l.Add(m);
        }
        IEnumerable<IMethodSymbol> Stored(SemanticModel model, ExpressionSyntax value)
        {
            if (value is LambdaExpressionSyntax or AnonymousMethodExpressionSyntax)
                yield break; // a lambda's own symbol is a method too, but not one of the port's
            var info = model.GetSymbolInfo(value);
            if ((info.Symbol ?? info.CandidateSymbols.FirstOrDefault()) is IMethodSymbol g && InSource(g) &&
                model.GetTypeInfo(value).ConvertedType?.TypeKind == TypeKind.Delegate)
                yield return (IMethodSymbol)g.OriginalDefinition;
        }
        // Each file is read on its own thread; what it stores where is replayed in file order.
        var stores = new List<(ISymbol Slot, IMethodSymbol Method)>[sources.Trees.Count];
        var copiesPerTree = new List<(ISymbol To, ISymbol From)>[sources.Trees.Count];
        Parallel.For(0, sources.Trees.Count, t =>
        {
            var tree = sources.Trees[t];
            var model = models[tree];
            var found = stores[t] = [];
            var copied = copiesPerTree[t] = [];
            void Store(ISymbol slot, IMethodSymbol m) => found.Add((slot, m));
            foreach (var node in tree.GetRoot().DescendantNodes())
            {
                if (node is AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression } a &&
                    model.GetSymbolInfo(a.Left).Symbol is IFieldSymbol or IPropertySymbol)
                {
                    var slot = model.GetSymbolInfo(a.Left).Symbol!;
                    foreach (var m in Stored(model, a.Right))
                        Store(slot, m);
                    if (model.GetSymbolInfo(a.Right).Symbol is IParameterSymbol from)
                        copied.Add((slot, from));
                }
                else if (node is ArgumentSyntax { Expression: IdentifierNameSyntax or MemberAccessExpressionSyntax } arg &&
                         model.GetSymbolInfo(arg.Expression) is { Symbol: IMethodSymbol } or { CandidateSymbols.Length: > 0 } &&
                         arg.Parent?.Parent is { } call &&
                         model.GetSymbolInfo(call).Symbol is IMethodSymbol callee && InSource(callee))
                {
                    var param = arg.NameColon is { } nc
                        ? callee.Parameters.FirstOrDefault(x => x.Name == nc.Name.Identifier.Text)
                        : ((ArgumentListSyntax)arg.Parent).Arguments.IndexOf(arg) is var i && i < callee.Parameters.Length ? callee.Parameters[i] : null;
                    if (param is null)
                        continue;
                    foreach (var m in Stored(model, arg.Expression))
                    {
                        Store(param, m);
                    }
                }
            }
        });
        foreach (var (slot, m) in stores.SelectMany(x => x))
            Add(slot, m);
        copies.AddRange(copiesPerTree.SelectMany(x => x));
        // Slots filled from a parameter (a constructor storing its argument), until nothing changes.
        for (bool changed = true; changed;)
        {
            changed = false;
            foreach (var (to, from) in copies)
            {
                if (!map.TryGetValue(from.OriginalDefinition, out var src))
                    continue;
                foreach (var m in src.ToList())
                {
                    if (!map.TryGetValue(to.OriginalDefinition, out var dst) || !dst.Contains(m, SymbolEqualityComparer.Default))
                    {
                        Add(to, m);
                        changed = true;
                    }
                }
            }
        }
        return map;
    }
}
