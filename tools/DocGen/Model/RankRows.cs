namespace LinuxVm.DocGen.Model;

/// <summary>
/// Keeps a call graph within the page's text column. The functions the same number of calls
/// away from the root form one level; a level wider than <see cref="MaxWidth"/> is cut into
/// rows, each under the one before it (above it, for a graph of callers), so the figure stays
/// top-down with one linked box per function instead of one very wide rank.
/// </summary>
public static class RankRows
{
    /// <summary>The widest a row may be, in points: about the page's text column (690 px) less a margin.</summary>
    public const double MaxWidth = 480;

    /// <summary>Space Graphviz leaves between two boxes of a rank (the graph's nodesep of 0.25 in), in points.</summary>
    public const double Gap = 18;

    /// <summary>
    /// The width Graphviz gives the box of <paramref name="label"/>, in points: 11 pt monospace
    /// characters are 6.6 pt wide, the margin is 0.12 in a side, and no box is narrower than 0.75 in.
    /// </summary>
    public static double BoxWidth(string label) => Math.Max(54, label.Length * 6.6 + 2 * 8.64);

    /// <summary>The width of a row of boxes.</summary>
    public static double RowWidth(IEnumerable<double> widths)
    {
        var list = widths.ToList();
        return list.Sum() + Gap * Math.Max(0, list.Count - 1);
    }

    /// <summary>
    /// Cuts the levels into rows: item <c>i</c> has level <c>levels[i]</c> and box width
    /// <c>widths[i]</c>; items are taken in the order given (within a level, callers' children
    /// stay together). Returns the rows in order from the root, each a list of item indices; a
    /// level that fits is one row, a wider one fills rows up to <paramref name="maxWidth"/> each.
    /// </summary>
    public static List<List<int>> Rows(IReadOnlyList<int> levels, IReadOnlyList<double> widths, double maxWidth = MaxWidth)
    {
        var rows = new List<List<int>>();
        foreach (var level in Enumerable.Range(0, levels.Count).GroupBy(i => levels[i]).OrderBy(g => g.Key))
        {
            var items = level.ToList();
            int count = Math.Max(1, (int)Math.Ceiling(RowWidth(items.Select(i => widths[i])) / maxWidth));
            // Spread the level evenly over the fewest rows that fit, rather than leaving a stub row.
            double target = RowWidth(items.Select(i => widths[i])) / count;
            var row = new List<int>();
            double width = 0;
            int made = 0;
            foreach (int i in items)
            {
                double add = widths[i] + (row.Count > 0 ? Gap : 0);
                bool full = width + add > maxWidth || (width + add / 2 > target && made < count - 1);
                if (row.Count > 0 && full)
                {
                    rows.Add(row);
                    made++;
                    row = [];
                    width = 0;
                    add = widths[i];
                }
                row.Add(i);
                width += add;
            }
            rows.Add(row);
        }
        return rows;
    }
}
