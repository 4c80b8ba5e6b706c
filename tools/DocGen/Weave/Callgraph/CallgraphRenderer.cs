using System.Net;
using LinuxVm.DocGen.Graph;
using LinuxVm.DocGen.Model;

namespace LinuxVm.DocGen.Weave.Callgraph;

/// <summary>
/// Writes a call graph figure: a placeholder the Render stage fills with Graphviz's SVG, and a
/// caption that says what is drawn and that it is drawn from the port, not from the C.
/// </summary>
public sealed class CallgraphRenderer : DirectiveRenderer<CallgraphBlock>
{
    /// <inheritdoc/>
    protected override string? Render(WeaveContext context, CallgraphBlock block, Action<string> fail)
    {
        if (context.Resolve(block.Kernel, block.File, block.CSharp, fail) is not var (symbol, kernel))
            return null;
        var node = context.Graph.Of(symbol) ?? (kernel is null ? null : context.Map.NodesOf(kernel).FirstOrDefault());
        if (node is null)
        {
            fail($"{kernel?.Name ?? block.CSharp} is not a ported function, so it has no call graph");
            return null;
        }
        context.Mention(node.Kernel);
        return Figure(context, node, block.Callees, block.Depth);
    }

    /// <summary>The figure HTML of one call graph on the current page.</summary>
    public static string Figure(WeaveContext context, FunctionNode node, bool callees, int depth)
    {
        string dot = DotWriter.Write(context.Graph, context.Map, node, callees, depth, context.Page.SitePath);
        string placeholder = context.Graphs.Add(dot);
        int count = (callees ? node.Callees : node.Callers).Count;
        string name = WebUtility.HtmlEncode(node.Kernel.Name);
        string caption = callees
            ? (count == 0 ? $"<code>{name}</code> calls no other ported function." : $"What <code>{name}</code> calls" + (depth > 1 ? $", {depth} levels deep." : "."))
            : (count == 0 ? $"No ported function calls <code>{name}</code>." : $"Who calls <code>{name}</code>" + (depth > 1 ? $", {depth} levels up." : "."));
        string boxes = !dot.Contains("subgraph cluster_", StringComparison.Ordinal) ? ""
            : callees ? " An arrow into a dashed box is a call to each function in it."
            : " An arrow out of a dashed box is a call from each function in it.";
        return $"<figure class=\"lvm-graph\" data-kernel=\"{name}\" data-direction=\"{(callees ? "callees" : "callers")}\">\n" +
               $"{placeholder}\n<figcaption>{caption} Dashed arrows are calls through an operation table or the architecture contract.{boxes} <span class=\"lvm-graph-source\">Drawn from the C# port: where its calls differ from those of the 2.4.20 C, the graph shows the port's.</span></figcaption>\n</figure>\n";
    }
}
