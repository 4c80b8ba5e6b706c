using System.Globalization;
using System.Reflection;
using LinuxVm.Arch.X86;
using LinuxVm.Figures.Diagrams;
using LinuxVm.Mm;
using LinuxVm.Mm.Include;

namespace LinuxVm.Figures;

/// <summary>
/// Chapter 5's diagram: the node of a booted 1 GiB PC, its zones, the free lists of ZONE_NORMAL and
/// the first pages on them, every value read from the port's structures by its C field name.
/// </summary>
public static class PhysicalMemoryDiagrams
{
    /// <summary>The machine the diagram is drawn from: a freshly booted 1 GiB PC (three populated zones).</summary>
    /// <returns>Its kernel.</returns>
    public static Kernel Machine1GiB() => Machine.Boot(new MachineConfig { RamBytes = 1024u << 20 }).Kernel;

    /// <summary>The pages the diagram draws: the first block on ZONE_NORMAL's lowest non-empty free list, and the first two on its highest.</summary>
    /// <param name="normal">ZONE_NORMAL.</param>
    /// <returns>(order, page) pairs, in the order drawn.</returns>
    public static List<(int Order, Page Page)> PagesShown(Zone normal)
    {
        var nonEmpty = Enumerable.Range(0, MmZone.MaxOrder).Where(o => !normal.FreeArea[o].FreeList.IsEmpty).ToList();
        int low = nonEmpty[0], high = nonEmpty[^1];
        var shown = new List<(int, Page)>();
        if (low != high)
            shown.Add((low, normal.FreeArea[low].FreeList.Entries<Page>().First()));
        shown.AddRange(normal.FreeArea[high].FreeList.Entries<Page>().Take(2).Select(p => (high, p)));
        return shown;
    }

    /// <summary>
    /// pg_data_t, its zone_t array and zonelists, ZONE_NORMAL's free_area array, and a few
    /// struct pages on its free lists with their flags, count and list links, as an SVG drawing.
    /// </summary>
    public static string NodeZonesAndPages()
    {
        Kernel k = Machine1GiB();
        PgData pgdat = k.Numa.ContigPageData;
        Zone normal = pgdat.NodeZones[MmZone.ZoneNormal];
        var svg = new Svg("lvm-d-node", "contig_page_data, its zones, ZONE_NORMAL's free lists and some of their pages, on a booted 1 GiB PC");
        const double gap = 18, top = 20;

        // Column 1: the node and its zonelists.
        var nodeRows = new List<Row>
        {
            Row.Of(pgdat, "node_id"),
            Row.Of(pgdat, "node_start_paddr", Row.Hex(1)),
            Row.Of(pgdat, "node_start_mapnr"),
            Row.Of(pgdat, "node_size"),
            Row.Of(pgdat, "nr_zones"),
            Row.Of(pgdat, "node_next"),
            Row.Of(pgdat, "node_zones", v => $"[{((Zone[])v!).Length}]"),
            Row.Of(pgdat, "node_zonelists", v => $"[{((Zonelist[])v!).Length}]"),
        };
        Box node = svg.Struct(4, top, "pg_data_t", nodeRows);
        svg.Text(4, 13, "contig_page_data", "lvm-d-heading", bold: true);
        string zonelistField = Fields.KernelName(typeof(PgData), "node_zonelists");
        var zlRows = Enumerable.Range(0, 3).Select(i => new Row(
            $"[{i}]", string.Join(",", pgdat.NodeZonelists[i].Zones.TakeWhile(z => z is not null).Select(z => z!.Name)), zonelistField)).ToList();
        Box zl = svg.Struct(4, node.Bottom + 40, "zonelist_t", zlRows, node.W);
        string[] note = ["node_zonelists[i]", "for i = gfp_mask", "  & GFP_ZONEMASK:", "1 = __GFP_DMA", "2 = __GFP_HIGHMEM"];
        for (int i = 0; i < note.Length; i++)
            svg.Text(4, zl.Bottom + 14 * (i + 1), note[i], "lvm-d-note");
        svg.Arrow(node.X + 20, node.Bottom, node.X + 20, zl.Y, vertical: true);

        // Column 2: the three zones.
        double zx = node.Right + gap, zy = top;
        svg.Text(zx, 13, "node_zones[]", "lvm-d-heading", bold: true);
        var zoneBoxes = new Box[MmZone.MaxNrZones];
        for (int i = 0; i < MmZone.MaxNrZones; i++)
        {
            Zone z = pgdat.NodeZones[i];
            var rows = new List<Row>
            {
                Row.Of(z, "size"),
                Row.Of(z, "free_pages"),
                Row.Of(z, "pages_min"),
                Row.Of(z, "pages_low"),
                Row.Of(z, "pages_high"),
                Row.Of(z, "zone_start_mapnr"),
                Row.Of(z, "free_area", v => $"[{((FreeArea[])v!).Length}]"),
            };
            zoneBoxes[i] = svg.Struct(zx, zy, $"zone_t [{i}] {z.Name}", rows, Svg.Width("zone_t [0] HighMem", [new Row("zone_start_mapnr", "000000")]),
                [("data-zone", z.Name)]);
            svg.Arrow(node.Right, node.RowMid(6), zx, zoneBoxes[i].TitleMid);
            zy = zoneBoxes[i].Bottom + 14;
        }
        Box nz = zoneBoxes[MmZone.ZoneNormal];

        // Column 3: ZONE_NORMAL's free areas.
        string freeListField = Fields.KernelName(typeof(FreeArea), "free_list");
        var faRows = Enumerable.Range(0, MmZone.MaxOrder).Select(o =>
        {
            int n = normal.FreeArea[o].FreeList.Count();
            return new Row($"[{o}]", n == 1 ? "1 block" : $"{n} blocks", freeListField);
        }).ToList();
        double fx = nz.Right + gap;
        Box fa = svg.Struct(fx, nz.Y, "free_area_t", faRows, Svg.Width("free_area_t", [new Row("[0]", "000 blocks")]));
        svg.Arrow(nz.Right, nz.RowMid(6), fa.X, fa.TitleMid);
        svg.Text(fa.X, nz.Y - 6, "Normal's", "lvm-d-heading", bold: true);
        svg.Text(fa.X, fa.Bottom + 14, "free_list", "lvm-d-note");
        svg.Text(fa.X, fa.Bottom + 28, "of each order", "lvm-d-note");

        // Column 4: pages on those lists.
        var shown = PagesShown(normal);
        double px = fa.Right + gap, py = top;
        svg.Text(px, 13, "mem_map[] entries", "lvm-d-heading", bold: true);
        var pageBoxes = new Dictionary<Page, Box>();
        string Link(ListHead l) => l.Owner is Page p ? $"page {p.MapNr}"
            : Enumerable.Range(0, MmZone.MaxOrder).Where(o => normal.FreeArea[o].FreeList == l).Select(o => $"free_area[{o}]").FirstOrDefault() ?? "?";
        double pw = Svg.Width("struct page 000000", [new Row("list.prev", "free_area[0]")]);
        svg.Grow(px + pw + 26, 0);
        foreach ((int order, Page pg) in shown)
        {
            var rows = new List<Row>
            {
                Row.Of(pg, "flags", Row.Hex(8)),
                new("  PG_ bits", FlagNames(pg.Flags)),
                new("  zone", pgdat.NodeZones[PageFlags.ZoneNumber(pg)].Name),
                Row.Of(pg, "count"),
                Row.Of(pg, "index"),
                Row.Of(pg, "mapping"),
                Row.Of(pg, "list", v => Link(((ListHead)v!).Next), "list.next"),
                Row.Of(pg, "list", v => Link(((ListHead)v!).Prev), "list.prev"),
                Row.Of(pg, "virtual", Row.Hex(8)),
            };
            Box b = svg.Struct(px, py, $"struct page {pg.MapNr}", rows, pw,
                [("data-page", pg.MapNr.ToString(CultureInfo.InvariantCulture)), ("data-order", order.ToString(CultureInfo.InvariantCulture))]);
            pageBoxes[pg] = b;
            py = b.Bottom + 18;
        }
        // The free list heads point at their first page; a page's list.next at the next one.
        foreach (var grp in shown.GroupBy(s => s.Order))
        {
            var first = grp.First().Page;
            svg.Arrow(fa.Right, fa.RowMid(grp.Key), px, pageBoxes[first].TitleMid);
        }
        for (int i = 0; i + 1 < shown.Count; i++)
        {
            if (shown[i].Order != shown[i + 1].Order || shown[i].Page.List.Next != shown[i + 1].Page.List)
                continue;
            Box a = pageBoxes[shown[i].Page], b = pageBoxes[shown[i + 1].Page];
            double y1 = a.RowMid(6), x = a.Right;
            svg.Path(string.Create(CultureInfo.InvariantCulture,
                $"M{x},{y1} C{x + 22},{y1} {x + 22},{b.TitleMid} {x},{b.TitleMid}"));
        }
        return svg.ToString();
    }

    /// <summary>The names of the PG_ bits set in the low 24 bits of <paramref name="flags"/>, or "none".</summary>
    /// <param name="flags">A page's flags word.</param>
    /// <returns>For example "reserved" or "slab,highmem".</returns>
    public static string FlagNames(uint flags)
    {
        var names = typeof(PageFlags).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(int))
            .Select(f => (Bit: (int)f.GetRawConstantValue()!, Name: f.GetCustomAttribute<LinuxAttribute>()?.Name))
            .Where(f => f.Name is not null && f.Name.StartsWith("PG_", StringComparison.Ordinal) && f.Bit < PageFlags.ZoneShift && (flags & (1u << f.Bit)) != 0)
            .OrderBy(f => f.Bit)
            .Select(f => f.Name![3..]);
        string s = string.Join(",", names);
        return s.Length == 0 ? "none" : s;
    }
}
