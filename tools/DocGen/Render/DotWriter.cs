using System.Text;
using LinuxVm.DocGen.Graph;
using LinuxVm.DocGen.Weave;

namespace LinuxVm.DocGen.Render;

/// <summary>
/// Writes the DOT of a call graph around one function: top-down as in the book's figures, each
/// node labelled with its kernel name, the C# name as its tooltip and a link to its home
/// section; calls through a table or the architecture contract are dashed.
/// </summary>
public static class DotWriter
{
    /// <summary>DOT for the functions within <paramref name="depth"/> calls of <paramref name="root"/>, linked from page <paramref name="page"/>.</summary>
    public static string Write(CallGraph graph, SiteMap map, FunctionNode root, bool callees, int depth, string page)
    {
        var (nodes, edges) = graph.Neighbourhood(root, callees, depth);
        var sb = new StringBuilder();
        sb.Append("digraph \"").Append(Esc(root.Kernel.Name)).Append(callees ? " callees" : " callers").Append("\" {\n");
        sb.Append("  graph [rankdir=TB, bgcolor=\"transparent\", nodesep=0.25, ranksep=0.4, fontname=\"sans-serif\", class=\"lvm-callgraph\"];\n");
        sb.Append("  node [shape=box, style=\"rounded,filled\", fillcolor=\"#eef3fb\", color=\"#5b7db1\", fontname=\"monospace\", fontsize=11, height=0.3, margin=\"0.12,0.04\", target=\"_top\"];\n");
        sb.Append("  edge [color=\"#6b7a90\", arrowsize=0.6];\n");
        var ids = new Dictionary<FunctionNode, string>();
        foreach (var n in nodes)
        {
            string id = "n" + ids.Count;
            ids[n] = id;
            var (p, anchor) = map.HomeOf(n);
            string href = SiteMap.Link(page, p, anchor, html: true);
            sb.Append("  ").Append(id).Append(" [label=\"").Append(Esc(n.Kernel.Name))
              .Append("\", tooltip=\"").Append(Esc(n.CSharpName)).Append(" \u2014 ").Append(Esc(n.Kernel.File))
              .Append("\", URL=\"").Append(Esc(href)).Append('"');
            sb.Append(", id=\"").Append(Esc("node-" + anchor)).Append('"');
            if (n == root)
                sb.Append(", fillcolor=\"#ffe9b3\", color=\"#b8860b\", penwidth=1.6");
            sb.Append("];\n");
        }
        foreach (var (from, to, indirect) in edges.Distinct())
        {
            sb.Append("  ").Append(ids[from]).Append(" -> ").Append(ids[to]);
            if (indirect)
                sb.Append(" [style=dashed, tooltip=\"indirect call\"]");
            sb.Append(";\n");
        }
        sb.Append("}\n");
        return sb.ToString();
    }

    private static string Esc(string s) => s.Replace("\\", "\\\\").Replace("\"", "\\\"");
}
