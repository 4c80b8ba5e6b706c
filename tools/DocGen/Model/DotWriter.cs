using System.Text;
using LinuxVm.DocGen.Graph;

namespace LinuxVm.DocGen.Model;

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
        var drawn = edges.Distinct().ToList();
        var plan = GraphLayout.Plan(nodes, drawn, root, callees);
        var sb = new StringBuilder();
        sb.Append("digraph \"").Append(Esc(root.Kernel.Name)).Append(callees ? " callees" : " callers").Append("\" {\n");
        // A graph with boxes stacks functions in columns: closer ranks keep those columns short.
        sb.Append("  graph [rankdir=TB, bgcolor=\"transparent\", nodesep=0.25, ranksep=").Append(plan.Groups.Count > 0 ? "0.25" : "0.4")
          .Append(", fontname=\"sans-serif\", class=\"lvm-callgraph\"");
        sb.Append(plan.Groups.Count > 0 ? ", compound=true, newrank=true" : plan.SameRank.Count > 0 ? ", newrank=true" : "").Append("];\n");
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
                sb.Append(", fillcolor=\"#ffe9b3\", color=\"#b8860b\", penwidth=1.6, class=\"lvm-root\"");
            sb.Append("];\n");
        }
        for (int g = 0; g < plan.Groups.Count; g++)
        {
            sb.Append("  subgraph cluster_g").Append(g).Append(" {\n    graph [style=\"rounded,dashed\", color=\"#9aa8bb\", margin=8, label=\"\", class=\"lvm-group\"];\n   ");
            foreach (var m in plan.Groups[g].Members)
                sb.Append(' ').Append(ids[m]).Append(';');
            sb.Append("\n  }\n");
        }
        foreach (var (from, to, indirect) in drawn)
        {
            if (plan.Grouped.Contains((from, to)))
                continue;
            sb.Append("  ").Append(ids[from]).Append(" -> ").Append(ids[to]);
            if (indirect)
                sb.Append(" [style=dashed, tooltip=\"indirect call\"]");
            sb.Append(";\n");
        }
        for (int g = 0; g < plan.Groups.Count; g++)
        {
            var group = plan.Groups[g];
            foreach (var (parent, indirect) in group.Parents)
            {
                string tooltip = (callees ? "calls each function in the box" : "each function in the box calls it") + (indirect ? " (indirect)" : "");
                sb.Append("  ").Append(callees ? ids[parent] : ids[group.Anchor]).Append(" -> ").Append(callees ? ids[group.Anchor] : ids[parent])
                  .Append(" [").Append(callees ? "lhead" : "ltail").Append("=cluster_g").Append(g).Append(", tooltip=\"").Append(tooltip).Append('"')
                  .Append(indirect ? ", style=dashed" : "").Append("];\n");
            }
        }
        foreach (var same in plan.SameRank)
            sb.Append("  { rank=same; ").Append(string.Join("; ", same.Select(n => ids[n]))).Append("; }\n");
        foreach (var (upper, lower) in plan.Holds)
            sb.Append("  ").Append(ids[upper]).Append(" -> ").Append(ids[lower]).Append(" [style=invis];\n");
        sb.Append("}\n");
        return sb.ToString();
    }

    private static string Esc(string s) => s.Replace("\\", "\\\\").Replace("\"", "\\\"");
}
