using System.Globalization;
using System.Reflection;
using LinuxVm.Arch.X86;
using LinuxVm.Figures.Diagrams;
using LinuxVm.Mm;
using LinuxVm.Mm.Include;

namespace LinuxVm.Figures;

/// <summary>
/// Chapter 8's diagram: a cache, its three slab lists, the slab_t of each slab, and the memory of
/// its partial slab with the kmem_bufctl_t chain of free objects, read from the port after a few
/// allocations and frees.
/// </summary>
public static class SlabDiagrams
{
    /// <summary>The objects the session frees in the partial slab after emptying its tail, in order: the chain then starts with the last.</summary>
    public static readonly int[] FreedInPartial = [1, 4];

    /// <summary>Objects left allocated at the front of the partial slab before <see cref="FreedInPartial"/> are freed.</summary>
    public const int KeptInPartial = 10;

    /// <summary>
    /// The session the diagram draws: a cache "example" of 128-byte cache-aligned objects, its
    /// per-CPU arrays off (so every call reaches the slabs), three slabs filled, then the third
    /// emptied, the second emptied from object <see cref="KeptInPartial"/> on, and objects 1 and
    /// 4 of the second freed.
    /// </summary>
    /// <returns>The kernel, the cache, and its slabs in the order they were made.</returns>
    public static (Kernel K, KmemCache Cache, SlabT[] Slabs) Session()
    {
        Kernel k = Machine.Boot(new MachineConfig { RamBytes = 64u << 20, Cpus = 2 }).Kernel;
        KmemCache c = k.Slab.KmemCacheCreate("example", 128, 0, SlabFlags.HwcacheAlign, null, null)!;
        k.Slab.SlabinfoWrite("example 0 0");
        var objects = new List<uint>();
        for (int i = 0; i < 3 * c.Num; i++)
            objects.Add(k.Slab.KmemCacheAlloc(c, SlabFlags.Kernel));
        SlabT SlabOf(uint objp) => k.Slab.GetPageSlab(k.VirtToPage(objp))!;
        var slabs = objects.Select(SlabOf).Distinct().ToArray();
        uint Obj(SlabT s, int i) => s.SMem + (uint)i * c.Objsize;
        for (int i = (int)c.Num - 1; i >= 0; i--)
            k.Slab.KmemCacheFree(c, Obj(slabs[2], i));
        for (int i = (int)c.Num - 1; i >= KeptInPartial; i--)
            k.Slab.KmemCacheFree(c, Obj(slabs[1], i));
        foreach (int i in FreedInPartial)
            k.Slab.KmemCacheFree(c, Obj(slabs[1], i));
        return (k, c, slabs);
    }

    /// <summary>The free chain of a slab: the object indices from <c>free</c> through <c>bufctl</c> to BUFCTL_END.</summary>
    /// <param name="s">A slab.</param>
    /// <returns>The indices, in chain order.</returns>
    public static List<uint> FreeChain(SlabT s)
    {
        var chain = new List<uint>();
        for (uint i = s.Free; i != Slab.BufctlEnd; i = s.Bufctl[i])
        {
            if (chain.Count > s.Bufctl.Length)
                throw new InvalidOperationException("the slab's free chain loops");
            chain.Add(i);
        }
        return chain;
    }

    /// <summary>
    /// kmem_cache_t with its slabs_full, slabs_partial and slabs_free lists, each slab's slab_t,
    /// and the partial slab's page: colour, slab_t, the bufctl array and the objects, with the
    /// chain of free objects drawn through the bufctls. An SVG drawing.
    /// </summary>
    public static string CacheSlabsAndBufctls()
    {
        (Kernel k, KmemCache c, _) = Session();
        var svg = new Svg("lvm-d-slab", "A cache's three slab lists, its slabs, and the free-object chain of its partial slab");
        const double top = 20;
        var inv = CultureInfo.InvariantCulture;
        var lists = new (string Field, ListHead Head)[] { ("slabs_full", c.SlabsFull), ("slabs_partial", c.SlabsPartial), ("slabs_free", c.SlabsFree) };
        string Count(object? v) => ((ListHead)v!).Count() switch { 0 => "empty", 1 => "1 slab", int n => $"{n} slabs" };

        var rows = new List<Row>
        {
            Row.Of(c, "name"),
            Row.Of(c, "objsize"),
            Row.Of(c, "flags", Row.Hex(5)),
            Row.Of(c, "num"),
            Row.Of(c, "gfporder"),
            Row.Of(c, "colour"),
            Row.Of(c, "colour_off"),
            Row.Of(c, "colour_next"),
            Row.Of(c, "slabp_cache", v => v is KmemCache s ? s.Name : "NULL"),
        };
        int firstList = rows.Count;
        rows.AddRange(lists.Select(l => Row.Of(c, l.Field, Count)));
        svg.Text(4, 13, "the cache", "lvm-d-heading", bold: true);
        Box cache = svg.Struct(4, top, "kmem_cache_t", rows, data: [("data-cache", c.Name)]);

        // The slabs, list by list, one column.
        double sx = cache.Right + 48, sy = top;
        svg.Text(sx, 13, "its slabs", "lvm-d-heading", bold: true);
        double sw = Svg.Width("slab_t  (partial)", [new Row("colouroff", "0x00000000")]);
        var slabBoxes = new Dictionary<SlabT, Box>();
        SlabT? partial = null;
        for (int li = 0; li < lists.Length; li++)
        {
            var slabs = lists[li].Head.Entries<SlabT>().ToList();
            Box? prev = null;
            foreach (SlabT s in slabs)
            {
                var srows = new List<Row>
                {
                    Row.Of(s, "colouroff"),
                    Row.Of(s, "s_mem", Row.Hex(8)),
                    Row.Of(s, "inuse"),
                    Row.Of(s, "free", v => (uint)v! == Slab.BufctlEnd ? "BUFCTL_END" : Row.Plain(v)),
                };
                string kind = lists[li].Field[6..];
                Box b = svg.Struct(sx, sy, $"slab_t ({kind})", srows, sw,
                    [("data-list", lists[li].Field), ("data-inuse", s.Inuse.ToString(inv)), ("data-smem", s.SMem.ToString("x8", inv))]);
                slabBoxes[s] = b;
                if (prev is null)
                    svg.Arrow(cache.Right, cache.RowMid(firstList + li), b.X, b.TitleMid);
                else
                    svg.Arrow(b.X + 16, prev.Bottom, b.X + 16, b.Y, vertical: true);
                prev = b;
                sy = b.Bottom + 12;
                if (li == 1)
                    partial ??= s;
            }
            sy += 8;
        }
        double right = slabBoxes.Values.Max(b => b.Right);

        // The partial slab's memory, drawn to scale, and its bufctl array under the objects.
        if (partial is not null)
        {
            Box pb = slabBoxes[partial];
            uint slabBytes = PageConstants.PageSize << (int)c.Gfporder;
            double width = Math.Max(right - 4, 700), scale = width / slabBytes;
            double y0 = Math.Max(cache.Bottom, sy) + 34;
            uint start = partial.SMem - partial.Colouroff;
            double X(uint addr) => 4 + (addr - start) * scale;
            svg.Text(4, y0 - 10, string.Create(inv, $"the partial slab's {slabBytes} bytes, to scale, from 0x{start:x8} (s_mem 0x{partial.SMem:x8})"), "lvm-d-heading", bold: true);
            double h = 36;
            bool onSlab = !Slab.OffSlab(c);
            if (onSlab)
            {
                if (partial.Address > start)
                    svg.Cell(X(start), y0, X(partial.Address) - X(start), [], "lvm-d-free", height: h);
                svg.Cell(X(partial.Address), y0, X(partial.SMem) - X(partial.Address), ["mgmt"], "lvm-d-mgmt", height: h);
            }
            var chain = FreeChain(partial);
            var free = chain.ToHashSet();
            double ow = c.Objsize * scale;
            for (uint i = 0; i < c.Num; i++)
            {
                bool isFree = free.Contains(i);
                svg.Cell(X(partial.SMem + i * c.Objsize), y0, ow, [i.ToString(inv)], isFree ? "lvm-d-free" : "lvm-d-used",
                    [("data-object", i.ToString(inv)), ("data-state", isFree ? "free" : "inuse")], h);
            }
            uint objEnd = partial.SMem + c.Num * c.Objsize;
            if (objEnd < start + slabBytes)
                svg.Cell(X(objEnd), y0, X(start + slabBytes) - X(objEnd), [], "lvm-d-free", height: h);
            uint mgmt = onSlab ? partial.SMem - partial.Address : 0;
            svg.Text(4, y0 + h + 13, string.Create(inv,
                $"colour {partial.Colouroff - mgmt} bytes, mgmt {mgmt} bytes (slab_t and bufctls), {c.Num} objects (shaded: in use), unused {start + slabBytes - objEnd}"), "lvm-d-note");

            // kmem_bufctl_t[num], one cell under each object: the index of the next free object.
            double by = y0 + h + 40;
            svg.Text(4, by - 8, string.Create(inv, $"kmem_bufctl_t[{c.Num}] (in the management area): for a free object i, bufctl[i] is the next free one"), "lvm-d-heading", bold: true);
            var bufAt = new Dictionary<uint, Box>();
            for (uint i = 0; i < c.Num; i++)
            {
                bool isFree = free.Contains(i);
                uint v = partial.Bufctl[i];
                string text = !isFree ? "" : v == Slab.BufctlEnd ? "END" : v.ToString(inv);
                bufAt[i] = svg.Cell(X(partial.SMem + i * c.Objsize), by, ow, [text], isFree ? "lvm-d-free" : "lvm-d-used",
                    [("data-bufctl", i.ToString(inv)), ("data-next", isFree ? (v == Slab.BufctlEnd ? "END" : v.ToString(inv)) : "")]);
            }
            // The chain: slab_t.free to its head, then each bufctl to the next.
            if (chain.Count > 0)
            {
                Box head = bufAt[chain[0]];
                double hx = head.X + head.W / 2;
                svg.Text(hx, by + head.H + 52, "free", "lvm-d-note", anchor: "middle");
                svg.Arrow(hx, by + head.H + 40, hx, head.Bottom + 2, vertical: true);
                svg.Grow(hx, by + head.H + 56);
                for (int n = 0; n + 1 < chain.Count; n++)
                {
                    Box a = bufAt[chain[n]], b = bufAt[chain[n + 1]];
                    double ax = a.X + a.W / 2, bx = b.X + b.W / 2;
                    double depth = 10 + Math.Min(30, Math.Abs(bx - ax) / 6);
                    svg.Path(string.Create(inv, $"M{ax:0.#},{a.Bottom:0.#} C{ax:0.#},{a.Bottom + depth:0.#} {bx:0.#},{b.Bottom + depth:0.#} {bx:0.#},{b.Bottom + 1:0.#}"));
                }
            }
        }
        return svg.ToString();
    }

    /// <summary>
    /// The off-slab session: the per-CPU arrays of size-1024 off, then kmallocs of 1000 bytes until
    /// one starts a new slab, and one more, so that slab holds two objects.
    /// </summary>
    /// <returns>The kernel, the cache size-1024, and the slab holding the two objects.</returns>
    public static (Kernel K, KmemCache Cache, SlabT Slab) OffSlabSession()
    {
        Kernel k = Machine.Boot(new MachineConfig { RamBytes = 64u << 20, Cpus = 2 }).Kernel;
        KmemCache c = k.Slab.FindCache("size-1024")!;
        k.Slab.SlabinfoWrite("size-1024 0 0");
        SlabT SlabOf(uint objp) => k.Slab.GetPageSlab(k.VirtToPage(objp))!;
        for (int tries = 0; tries < 4 * c.Num; tries++)
        {
            SlabT s = SlabOf(k.Slab.Kmalloc(1000, Gfp.Kernel));
            if (s.Inuse != 1)
                continue;
            k.Slab.Kmalloc(1000, Gfp.Kernel);
            return (k, c, s);
        }
        throw new InvalidOperationException("size-1024 made no new slab");
    }

    /// <summary>
    /// An off-slab cache: size-1024, its slab_t and bufctls living in an object of another general
    /// cache (slabp_cache), and the slab's pages holding nothing but objects. An SVG drawing.
    /// </summary>
    public static string OffSlabDescriptor()
    {
        (_, KmemCache c, SlabT s) = OffSlabSession();
        if (!Slab.OffSlab(c))
            throw new InvalidOperationException($"{c.Name} is not off-slab on this machine");
        var inv = CultureInfo.InvariantCulture;
        var svg = new Svg("lvm-d-offslab", "An off-slab cache: its slab descriptor lives in an object of another cache");
        const double top = 20;
        var rows = new List<Row>
        {
            Row.Of(c, "name"),
            Row.Of(c, "objsize"),
            Row.Of(c, "num"),
            Row.Of(c, "gfporder"),
            Row.Of(c, "flags", Row.Hex(5)),
            Row.Of(c, "slabp_cache", v => ((KmemCache)v!).Name),
        };
        svg.Text(4, 13, "the cache", "lvm-d-heading", bold: true);
        Box cache = svg.Struct(4, top, "kmem_cache_t", rows, data: [("data-cache", c.Name)]);

        var srows = new List<Row>
        {
            Row.Of(s, "colouroff"),
            Row.Of(s, "s_mem", Row.Hex(8)),
            Row.Of(s, "inuse"),
            Row.Of(s, "free", v => (uint)v! == Slab.BufctlEnd ? "BUFCTL_END" : Row.Plain(v)),
        };
        string bufctlField = typeof(SlabT).GetProperty(nameof(SlabT.Bufctl))!.GetCustomAttribute<LinuxAttribute>()!.Name;
        for (int i = 0; i < s.Bufctl.Length; i++)
        {
            bool free = FreeChain(s).Contains((uint)i);
            uint v = s.Bufctl[i];
            srows.Add(new Row($"bufctl[{i}]", !free ? "(in use)" : v == Slab.BufctlEnd ? "BUFCTL_END" : v.ToString(inv), bufctlField));
        }
        double sx = cache.Right + 60;
        KmemCache home = c.SlabpCache!;
        svg.Text(sx, 13, string.Create(inv, $"an object of {home.Name} at 0x{s.Address:x8}"), "lvm-d-heading", bold: true);
        Box slab = svg.Struct(sx, top, "slab_t + kmem_bufctl_t[]", srows,
            data: [("data-slab", s.Address.ToString("x8", inv)), ("data-home", home.Name)]);
        svg.Arrow(cache.Right, cache.RowMid(5), slab.X, slab.TitleMid);

        // The slab's pages: objects only, to scale.
        uint bytes = PageConstants.PageSize << (int)c.Gfporder;
        uint start = s.SMem - s.Colouroff;
        double y0 = Math.Max(cache.Bottom, slab.Bottom) + 40, width = 700, scale = width / bytes;
        svg.Text(4, y0 + 46, string.Create(inv, $"the slab's {bytes} bytes from 0x{start:x8}: objects only (shaded: in use), no management"), "lvm-d-heading", bold: true);
        var freeSet = FreeChain(s).ToHashSet();
        if (s.Colouroff > 0)
            svg.Cell(4, y0, s.Colouroff * scale, [], "lvm-d-free", height: 30);
        for (uint i = 0; i < c.Num; i++)
        {
            bool isFree = freeSet.Contains(i);
            svg.Cell(4 + (s.SMem - start + i * c.Objsize) * scale, y0, c.Objsize * scale,
                [string.Create(inv, $"object {i}")], isFree ? "lvm-d-free" : "lvm-d-used",
                [("data-object", i.ToString(inv)), ("data-state", isFree ? "free" : "inuse")], 30);
        }
        uint end = s.SMem - start + c.Num * c.Objsize;
        if (end < bytes)
            svg.Cell(4 + end * scale, y0, (bytes - end) * scale, [], "lvm-d-free", height: 30);
        double sm = 4 + (s.SMem - start) * scale;
        svg.Arrow(slab.X + 20, slab.Bottom, sm + 12, y0 - 1, vertical: true);
        svg.Text(slab.X + 26, slab.Bottom + 14, "s_mem", "lvm-d-note");
        return svg.ToString();
    }
}
