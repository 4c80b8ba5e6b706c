using System.Globalization;
using System.Reflection;
using LinuxVm.Figures.Diagrams;
using LinuxVm.Mm;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.Lib;

namespace LinuxVm.Figures.Tests;

/// <summary>
/// The data-structure diagrams show the port's state: each is compared with the structures of the
/// same (deterministic) session walked here independently, every field row names a real
/// <c>[Linux]</c> member, and the drawing fits a 1,400 px page's column.
/// </summary>
public sealed class DiagramTests
{
    // The article column of a 1,400 px page is about 776 px wide; the drawings must fit in it.
    private const double ColumnWidth = 770;

    private static readonly Lazy<DiagramSvg> Node = new(() => new DiagramSvg(PhysicalMemoryDiagrams.NodeZonesAndPages()));
    private static readonly Lazy<DiagramSvg> SlabSvg = new(() => new DiagramSvg(SlabDiagrams.CacheSlabsAndBufctls()));
    private static readonly Lazy<DiagramSvg> OffSlab = new(() => new DiagramSvg(SlabDiagrams.OffSlabDescriptor()));
    private static readonly Lazy<DiagramSvg> Vma = new(() => new DiagramSvg(VmaDiagrams.MmRbTreeAndList()));

    public static TheoryData<string> Figures => ["node", "slab", "offslab", "vma"];

    private static DiagramSvg Get(string name) => name switch
    {
        "node" => Node.Value,
        "slab" => SlabSvg.Value,
        "offslab" => OffSlab.Value,
        _ => Vma.Value,
    };

    [Theory]
    [MemberData(nameof(Figures))]
    public void EveryFieldRow_NamesALinuxMemberOfThePort(string figure)
    {
        var kernelNames = typeof(Kernel).Assembly.GetTypes()
            .SelectMany(t => t.GetMembers(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static))
            .Where(m => m is PropertyInfo or FieldInfo)
            .SelectMany(m => m.GetCustomAttributes<LinuxAttribute>().Select(a => a.Name))
            .ToHashSet(StringComparer.Ordinal);
        var fields = Get(figure).FieldNames();
        Assert.True(fields.Count >= 4, $"{figure}: only {fields.Count} field rows");
        Assert.All(fields, f => Assert.Contains(f, kernelNames));
    }

    [Theory]
    [MemberData(nameof(Figures))]
    public void Drawing_FitsTheColumn_AndIsText(string figure)
    {
        DiagramSvg svg = Get(figure);
        Assert.InRange(svg.Width, 300, ColumnWidth);
        Assert.DoesNotContain("<image", svg.Text, StringComparison.Ordinal);
        Assert.Contains("<text", svg.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("\n\n", svg.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Fields_RefusesAFieldThePortDoesNotHave()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Fields.Get(new FreeArea(), "nr_free"));
        Assert.Contains("FreeArea", e.Message, StringComparison.Ordinal);
        Assert.Contains("nr_free", e.Message, StringComparison.Ordinal);
        Assert.Equal("zone_t.pages_low", Fields.KernelName(typeof(Zone), "pages_low"));
    }

    [Fact]
    public void NodeDiagram_ShowsTheZonesFreeListsAndPagesOfABootedMachine()
    {
        DiagramSvg svg = Node.Value;
        Kernel k = PhysicalMemoryDiagrams.Machine1GiB();
        PgData pgdat = k.Numa.ContigPageData;

        var zones = svg.With("data-zone");
        Assert.Equal(pgdat.NodeZones.Select(z => z.Name), zones.Select(z => DiagramSvg.Attr(z, "data-zone")));
        for (int i = 0; i < zones.Count; i++)
        {
            Zone z = pgdat.NodeZones[i];
            var rows = DiagramSvg.Rows(zones[i]);
            Assert.Equal(z.Size.ToString(CultureInfo.InvariantCulture), rows["size"]);
            Assert.Equal(z.FreePages.ToString(CultureInfo.InvariantCulture), rows["free_pages"]);
            Assert.Equal(z.PagesMin.ToString(CultureInfo.InvariantCulture), rows["pages_min"]);
            Assert.Equal((2 * z.PagesMin).ToString(CultureInfo.InvariantCulture), rows["pages_low"]);
            Assert.Equal((3 * z.PagesMin).ToString(CultureInfo.InvariantCulture), rows["pages_high"]);
        }

        Zone normal = pgdat.NodeZones[MmZone.ZoneNormal];
        var free = svg.With("data-field").Where(g => DiagramSvg.Attr(g, "data-field") == "free_area_t.free_list").ToList();
        Assert.Equal(MmZone.MaxOrder, free.Count);
        long pagesOnLists = 0;
        for (int o = 0; o < MmZone.MaxOrder; o++)
        {
            int blocks = normal.FreeArea[o].FreeList.Count();
            pagesOnLists += (long)blocks << o;
            Assert.StartsWith(blocks.ToString(CultureInfo.InvariantCulture) + " block", free[o].Value[3..].Trim());
        }
        Assert.Equal(normal.FreePages, pagesOnLists);

        // Each page drawn is on the free list of its order, with the count and flags drawn.
        var pages = svg.With("data-page");
        Assert.True(pages.Count >= 2, "fewer than two pages drawn");
        foreach (var g in pages)
        {
            int nr = int.Parse(DiagramSvg.Attr(g, "data-page"), CultureInfo.InvariantCulture);
            int order = int.Parse(DiagramSvg.Attr(g, "data-order"), CultureInfo.InvariantCulture);
            Page page = k.Memory.MemMap[nr];
            Assert.Contains(page, normal.FreeArea[order].FreeList.Entries<Page>());
            var rows = DiagramSvg.Rows(g);
            Assert.Equal(page.Count.ToString(CultureInfo.InvariantCulture), rows["count"]);
            Assert.Equal($"0x{page.Flags:x8}", rows["flags"]);
            Assert.Equal(MmZone.ZoneNormal, PageFlags.ZoneNumber(page));
            Assert.Equal("Normal", rows["zone"]);
        }
        // The first page drawn for each order is the head of that order's list.
        foreach (var first in pages.GroupBy(g => DiagramSvg.Attr(g, "data-order")).Select(gr => gr.First()))
        {
            int order = int.Parse(DiagramSvg.Attr(first, "data-order"), CultureInfo.InvariantCulture);
            Assert.Equal(normal.FreeArea[order].FreeList.Next.Entry<Page>().MapNr,
                int.Parse(DiagramSvg.Attr(first, "data-page"), CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void SlabDiagram_ShowsTheListsAndTheFreeChainOfTheSession()
    {
        DiagramSvg svg = SlabSvg.Value;
        (_, KmemCache c, _) = SlabDiagrams.Session();

        var slabs = svg.With("data-list");
        foreach ((string list, ListHead head) in new[] { ("slabs_full", c.SlabsFull), ("slabs_partial", c.SlabsPartial), ("slabs_free", c.SlabsFree) })
        {
            var drawn = slabs.Where(g => DiagramSvg.Attr(g, "data-list") == list).ToList();
            var real = head.Entries<SlabT>().ToList();
            Assert.Equal(real.Count, drawn.Count);
            Assert.Equal(real.Select(s => s.SMem.ToString("x8", CultureInfo.InvariantCulture)), drawn.Select(g => DiagramSvg.Attr(g, "data-smem")));
            Assert.Equal(real.Select(s => s.Inuse.ToString(CultureInfo.InvariantCulture)), drawn.Select(g => DiagramSvg.Attr(g, "data-inuse")));
        }
        Assert.All(c.SlabsFull.Entries<SlabT>(), s => Assert.Equal(c.Num, s.Inuse));
        Assert.All(c.SlabsFree.Entries<SlabT>(), s => Assert.Equal(0u, s.Inuse));

        // The partial slab: objects drawn free are exactly those on its chain, and the chain drawn
        // through the bufctl cells is the one the slab holds, headed by the object freed last.
        SlabT partial = Assert.Single(c.SlabsPartial.Entries<SlabT>());
        var chain = new List<uint>();
        for (uint i = partial.Free; i != Slab.BufctlEnd; i = partial.Bufctl[i])
            chain.Add(i);
        Assert.Equal(SlabDiagrams.FreedInPartial[^1], (int)chain[0]);
        Assert.Equal(c.Num - partial.Inuse, (uint)chain.Count);
        var objects = svg.With("data-object");
        Assert.Equal((int)c.Num, objects.Count);
        Assert.Equal(chain.Order().Select(i => i.ToString(CultureInfo.InvariantCulture)),
            objects.Where(o => DiagramSvg.Attr(o, "data-state") == "free").Select(o => DiagramSvg.Attr(o, "data-object")));
        var next = svg.With("data-bufctl").Where(g => DiagramSvg.Attr(g, "data-next") != "")
            .ToDictionary(g => DiagramSvg.Attr(g, "data-bufctl"), g => DiagramSvg.Attr(g, "data-next"));
        var walked = new List<string>();
        for (string i = chain[0].ToString(CultureInfo.InvariantCulture); i != "END"; i = next[i])
            walked.Add(i);
        Assert.Equal(chain.Select(i => i.ToString(CultureInfo.InvariantCulture)), walked);
    }

    [Fact]
    public void OffSlabDiagram_PutsTheSlabDescriptorInAnObjectOfSlabpCache()
    {
        DiagramSvg svg = OffSlab.Value;
        (Kernel k, KmemCache c, SlabT s) = SlabDiagrams.OffSlabSession();
        Assert.True(Slab.OffSlab(c));
        var slab = Assert.Single(svg.With("data-slab"));
        Assert.Equal(s.Address.ToString("x8", CultureInfo.InvariantCulture), DiagramSvg.Attr(slab, "data-slab"));
        Assert.Equal(c.SlabpCache!.Name, DiagramSvg.Attr(slab, "data-home"));
        // The descriptor's address is an object of slabp_cache, outside the slab's own pages.
        Assert.Same(c.SlabpCache, k.Slab.GetPageCache(k.VirtToPage(s.Address)));
        Assert.NotEqual(k.VirtToPage(s.SMem).MapNr, k.VirtToPage(s.Address).MapNr);
        var rows = DiagramSvg.Rows(slab);
        Assert.Equal(s.Inuse.ToString(CultureInfo.InvariantCulture), rows["inuse"]);
        Assert.Equal(2u, s.Inuse);
        Assert.Equal(s.Free.ToString(CultureInfo.InvariantCulture), rows["free"]);
        var objects = svg.With("data-object");
        Assert.Equal((int)c.Num, objects.Count);
        Assert.Equal(SlabDiagrams.FreeChain(s).Order().Select(i => i.ToString(CultureInfo.InvariantCulture)),
            objects.Where(o => DiagramSvg.Attr(o, "data-state") == "free").Select(o => DiagramSvg.Attr(o, "data-object")));
    }

    [Fact]
    public void VmaDiagram_DrawsMmRbAsTheTreeIs_AndTheListInTheSameOrder()
    {
        DiagramSvg svg = Vma.Value;
        (_, var p) = VmaDiagrams.Session();
        MmStruct mm = p.Mm!;

        // An in-order walk of mm_rb, with colour, depth and parent, done here rather than by the figure.
        var walk = new List<(VmAreaStruct V, int Depth)>();
        void Walk(RbNode? n, int d)
        {
            if (n is null)
                return;
            Walk(n.RbLeft, d + 1);
            walk.Add((n.Entry<VmAreaStruct>(), d));
            Walk(n.RbRight, d + 1);
        }
        Walk(mm.MmRb.RbNode, 0);
        string Hex(uint v) => v.ToString("x8", CultureInfo.InvariantCulture);

        var nodes = svg.With("data-color");
        Assert.Equal(mm.MapCount, nodes.Count);
        Assert.Equal(walk.Count, nodes.Count);
        Assert.Equal(walk.Select(w => Hex(w.V.VmStart)), nodes.Select(n => DiagramSvg.Attr(n, "data-start")));
        Assert.Equal(walk.Select(w => w.V.VmRb.RbColor == Rbtree.RbRed ? "red" : "black"), nodes.Select(n => DiagramSvg.Attr(n, "data-color")));
        Assert.Equal(walk.Select(w => w.Depth.ToString(CultureInfo.InvariantCulture)), nodes.Select(n => DiagramSvg.Attr(n, "data-depth")));
        Assert.Equal(walk.Select(w => w.V.VmRb.RbParent is { } pa ? Hex(pa.Entry<VmAreaStruct>().VmStart) : ""), nodes.Select(n => DiagramSvg.Attr(n, "data-parent")));
        Assert.Equal(walk.Select(w => Hex(w.V.VmStart) + "/" + Hex(w.V.VmEnd)), nodes.Select(n => string.Join("/", DiagramSvg.Lines(n))));
        Assert.Contains("red", nodes.Select(n => DiagramSvg.Attr(n, "data-color")));
        Assert.Equal("black", DiagramSvg.Attr(nodes.Single(n => DiagramSvg.Attr(n, "data-depth") == "0"), "data-color"));

        // The list row is the vm_next walk, and it is the tree's in-order.
        var list = new List<string>();
        for (VmAreaStruct? v = mm.Mmap; v is not null; v = v.VmNext)
            list.Add(Hex(v.VmStart));
        Assert.Equal(list, svg.With("data-list").Select(g => DiagramSvg.Attr(g, "data-start")));
        Assert.Equal(list, walk.Select(w => Hex(w.V.VmStart)));
    }
}
