using LinuxVm.DocGen.Graph;

namespace LinuxVm.DocGen.Model;

/// <summary>
/// Keeps a call graph within the page's column while it stays top-down with one linked box per
/// function. A level (the functions the same number of calls from the root) that would be wider
/// than <see cref="RankRows.MaxWidth"/> is reshaped: functions of the level that touch the same
/// functions of the level before, by the same kind of call, and nothing else (the leaf callees of
/// one caller, say) go into a dashed box laid out in columns, with one arrow per caller for all of
/// them; and a level still too wide is cut into bands, each held under the one before it (above
/// it, for callers) by invisible edges. A graph whose levels all fit is drawn as Graphviz would.
/// </summary>
public sealed class GraphLayout
{
    /// <summary>Fewest functions worth a box.</summary>
    public const int MinGroup = 2;

    /// <summary>Functions drawn in one box, with one arrow for all of them from (or to) each of <see cref="Parents"/>.</summary>
    /// <param name="Parents">The functions each member touches, each with whether those calls are indirect.</param>
    /// <param name="Columns">The members by columns, each listed from the end next to the parents.</param>
    public sealed record Group(List<(FunctionNode Node, bool Indirect)> Parents, List<List<FunctionNode>> Columns)
    {
        /// <summary>Every member.</summary>
        public IEnumerable<FunctionNode> Members => Columns.SelectMany(c => c);

        /// <summary>The member the arrows point at: the head of the middle column.</summary>
        public FunctionNode Anchor => Columns[(Columns.Count - 1) / 2][0];
    }

    /// <summary>The boxes.</summary>
    public List<Group> Groups { get; } = [];

    /// <summary>Calls drawn by a group's arrow instead of their own (caller, callee).</summary>
    public HashSet<(FunctionNode From, FunctionNode To)> Grouped { get; } = [];

    /// <summary>Functions to draw on one rank: the near end of each band, when the graph needed reshaping.</summary>
    public List<List<FunctionNode>> SameRank { get; } = [];

    /// <summary>Invisible edges (upper, lower) that hold boxes in place; none when every level fits.</summary>
    public List<(FunctionNode Upper, FunctionNode Lower)> Holds { get; } = [];

    /// <summary>Plans the drawing of <paramref name="nodes"/> (breadth first from <paramref name="root"/>) and their <paramref name="edges"/>.</summary>
    public static GraphLayout Plan(IReadOnlyList<FunctionNode> nodes, IReadOnlyList<(FunctionNode From, FunctionNode To, bool Indirect)> edges,
        FunctionNode root, bool callees, double maxWidth = RankRows.MaxWidth)
    {
        var plan = new GraphLayout();
        // Near: the end of an edge closer to the root; far: the other.
        FunctionNode Near((FunctionNode From, FunctionNode To, bool) e) => callees ? e.From : e.To;
        FunctionNode Far((FunctionNode From, FunctionNode To, bool) e) => callees ? e.To : e.From;
        void Hold(FunctionNode near, FunctionNode far) => plan.Holds.Add(callees ? (near, far) : (far, near));

        var level = new Dictionary<FunctionNode, int> { [root] = 0 };
        var away = edges.ToLookup(Near, Far);
        foreach (var n in nodes)
            foreach (var far in away[n])
                level.TryAdd(far, level[n] + 1);
        var touching = new Dictionary<FunctionNode, List<(FunctionNode From, FunctionNode To, bool Indirect)>>();
        foreach (var e in edges)
            foreach (var n in new[] { e.From, e.To }.Distinct())
                (touching.TryGetValue(n, out var l) ? l : touching[n] = []).Add(e);
        var towardRoot = edges.ToLookup(Far, Near);

        var bands = new List<List<Item>>();
        foreach (var lv in nodes.GroupBy(n => level[n]).OrderBy(g => g.Key))
        {
            var members = lv.ToList();
            var items = members.Select(n => new Item(n, null)).ToList();
            if (lv.Key > 0 && RankRows.RowWidth(members.Select(Width)) > maxWidth)
                items = GroupLeaves(plan, members, touching, level, lv.Key, Near, maxWidth);
            var cut = RankRows.Rows(items.Select(_ => 0).ToList(), items.Select(i => i.Width).ToList(), maxWidth);
            foreach (var band in cut.Select(r => r.Select(i => items[i]).ToList()))
            {
                // When a level takes several bands, arrows to the later bands pass between the
                // boxes of the earlier ones: widen those only into three quarters of the width.
                Widen(band, cut.Count > 1 ? maxWidth * 0.75 : maxWidth);
                bands.Add(band);
            }
        }

        if (plan.Groups.Count > 0 || bands.Count > nodes.Select(n => level[n]).Distinct().Count())
            foreach (var band in bands.Where(b => b.Count > 1))
                plan.SameRank.Add(band.SelectMany(i => i.Group?.Columns.Select(c => c[0]) ?? [i.Node!]).ToList());

        // A box's columns hang from the parent, each member under the one before it.
        foreach (var g in plan.Groups)
        {
            foreach (var column in g.Columns)
            {
                if (column[0] != g.Anchor)
                    Hold(g.Parents[0].Node, column[0]);
                for (int r = 1; r < column.Count; r++)
                    Hold(column[r - 1], column[r]);
            }
        }
        // A band after the first of its level hangs from the far end of the band before it.
        for (int b = 1; b < bands.Count; b++)
        {
            var farEnd = bands[b - 1].SelectMany(i => i.FarEnd).ToList();
            for (int j = 0; j < bands[b].Count; j++)
            {
                var item = bands[b][j];
                var anchor = farEnd[Math.Min(j, farEnd.Count - 1)];
                var heads = item.Group?.Columns.Select(c => c[0]).ToList() ?? [item.Node!];
                foreach (var head in heads)
                    if (!towardRoot[head].Any(farEnd.Contains) && !(item.Group?.Parents.Any(p => farEnd.Contains(p.Node)) ?? false))
                        Hold(anchor, head);
            }
        }
        return plan;
    }

    /// <summary>Puts the level's functions that share their only neighbours into boxes, as narrow as the level needs.</summary>
    private static List<Item> GroupLeaves(GraphLayout plan, List<FunctionNode> members,
        Dictionary<FunctionNode, List<(FunctionNode From, FunctionNode To, bool Indirect)>> touching, Dictionary<FunctionNode, int> level, int lv,
        Func<(FunctionNode, FunctionNode, bool), FunctionNode> near, double maxWidth)
    {
        // A function's signature: the functions it touches (all in the level before) and how.
        string? Signature(FunctionNode n)
        {
            var es = touching[n];
            if (es.Any(e => e.From == e.To || near(e) == n || level[near(e)] != lv - 1))
                return null;
            return string.Join("|", es.Select(e => $"{level[near(e)]}:{near(e).Kernel.Key}:{e.Indirect}").Distinct().Order(StringComparer.Ordinal));
        }
        var bySignature = members.Select(n => (Node: n, Sig: Signature(n)))
            .Where(x => x.Sig is not null).GroupBy(x => x.Sig!)
            .Where(g => g.Count() >= MinGroup)
            .ToDictionary(g => g.Key, g => g.Select(x => x.Node).ToList());
        var items = new List<Item>();
        var done = new HashSet<string>();
        foreach (var n in members)
        {
            string? sig = Signature(n);
            if (sig is null || !bySignature.TryGetValue(sig, out var list))
            {
                items.Add(new Item(n, null));
                continue;
            }
            if (!done.Add(sig))
                continue;
            var parents = touching[n].Select(e => (near(e), e.Indirect)).Distinct().ToList();
            var group = new Group(parents, [list]);
            plan.Groups.Add(group);
            foreach (var m in list)
                foreach (var e in touching[m])
                    plan.Grouped.Add((e.From, e.To));
            items.Add(new Item(null, group));
        }
        return items;
    }

    /// <summary>Widens the tallest box of a band by a column while the band still fits.</summary>
    private static void Widen(List<Item> items, double maxWidth)
    {
        var full = new HashSet<Group>();
        while (true)
        {
            var tallest = items.Where(i => i.Group is { } g && g.Columns[0].Count > 1 && !full.Contains(g))
                .OrderByDescending(i => i.Group!.Columns[0].Count).FirstOrDefault();
            if (tallest is null)
                break;
            var g = tallest.Group!;
            var before = g.Columns.ToList();
            var all = g.Members.ToList();
            var wider = all.Chunk((all.Count + g.Columns.Count) / (g.Columns.Count + 1)).Select(c => c.ToList()).ToList();
            if (wider.Count <= g.Columns.Count)
            {
                full.Add(g); // no shorter columns to be had (five in three columns stay three)
                continue;
            }
            g.Columns.Clear();
            g.Columns.AddRange(wider);
            if (RankRows.RowWidth(items.Select(i => i.Width)) > maxWidth)
            {
                g.Columns.Clear();
                g.Columns.AddRange(before);
                full.Add(g);
            }
        }
    }

    private static double Width(FunctionNode n) => RankRows.BoxWidth(n.Kernel.Name);

    /// <summary>One function, or one box, in a level.</summary>
    private sealed record Item(FunctionNode? Node, Group? Group)
    {
        /// <summary>Estimated width in points (a box adds its margins).</summary>
        public double Width => Group is { } g
            ? g.Columns.Sum(c => c.Max(GraphLayout.Width)) + RankRows.Gap * (g.Columns.Count - 1) + 16
            : GraphLayout.Width(Node!);

        /// <summary>The functions at the item's end away from the root.</summary>
        public IEnumerable<FunctionNode> FarEnd => Group is { } g ? g.Columns.Select(c => c[^1]) : [Node!];
    }
}
