using System.Globalization;
using LinuxVm.Arch.X86;
using LinuxVm.Figures.Diagrams;
using LinuxVm.Mm;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.KernelModel;
using LinuxVm.Mm.Lib;

namespace LinuxVm.Figures;

/// <summary>
/// Chapter 4's diagram: a process's mm_struct, its red-black tree of regions (mm_rb) with each
/// node's colour, and the same regions on the mmap list, read from the port after a short session.
/// </summary>
public static class VmaDiagrams
{
    /// <summary>
    /// The session the diagram draws: a process exec'd from the port's small program image, then
    /// six one-page anonymous mmaps whose protections alternate (read-only, read-write), so that no
    /// two of them merge and each becomes a region of its own.
    /// </summary>
    /// <returns>The kernel and the process.</returns>
    public static (Kernel K, TaskStruct P) Session()
    {
        Kernel k = Machine.Boot(new MachineConfig { RamBytes = 32u << 20 }).Kernel;
        k.Driver.Spawn("init", image: new ProgramImage("init"));
        TaskStruct p = k.Driver.Spawn("prog", image: new ProgramImage("prog"));
        for (int i = 0; i < 6; i++)
        {
            uint prot = i % 2 == 0 ? Mman.ProtRead : Mman.ProtRead | Mman.ProtWrite;
            k.Driver.RunAs(p, () => k.Syscalls.Mmap(0, 0x1000, prot, Mman.MapPrivate | Mman.MapAnonymous));
        }
        return (k, p);
    }

    /// <summary>The regions of a tree in order (a plain in-order walk of rb_left and rb_right), with each node's depth.</summary>
    /// <param name="root">mm_rb.</param>
    /// <returns>(region, depth) pairs, lowest address first.</returns>
    public static List<(VmAreaStruct Vma, int Depth)> InOrder(RbRoot root)
    {
        var list = new List<(VmAreaStruct, int)>();
        void Walk(RbNode? n, int depth)
        {
            if (n is null)
                return;
            Walk(n.RbLeft, depth + 1);
            list.Add((n.Entry<VmAreaStruct>(), depth));
            Walk(n.RbRight, depth + 1);
        }
        Walk(root.RbNode, 0);
        return list;
    }

    /// <summary>
    /// mm_struct, the red-black tree under mm_rb (each node a vm_area_struct's vm_rb, drawn red or
    /// black as rb_color says, with its vm_start and vm_end) and, under it, the mmap list in
    /// vm_next order. An SVG drawing.
    /// </summary>
    public static string MmRbTreeAndList()
    {
        (Kernel _, TaskStruct p) = Session();
        MmStruct mm = p.Mm!;
        var inv = CultureInfo.InvariantCulture;
        var svg = new Svg("lvm-d-vma", "A process's mm_struct, its red-black tree of regions and its mmap list");
        const double top = 20, step = 68, nodeW = 64, level = 58, x0 = 20;
        string Hex(uint v) => v.ToString("x8", inv);
        string Vma(object? v) => v is VmAreaStruct a ? Hex(a.VmStart) : "NULL";

        var mmRows = new List<Row>
        {
            Row.Of(mm, "mmap", Vma),
            Row.Of(mm, "mm_rb", v => ((RbRoot)v!).RbNode is { } n ? Hex(n.Entry<VmAreaStruct>().VmStart) : "NULL", "mm_rb.rb_node"),
            Row.Of(mm, "mmap_cache", Vma),
            Row.Of(mm, "map_count"),
        };
        svg.Text(4, 13, "the process's mm_struct", "lvm-d-heading", bold: true);
        Box mmBox = svg.Struct(x0, top, "mm_struct", mmRows);

        var nodes = InOrder(mm.MmRb);
        int maxDepth = nodes.Max(n => n.Depth);
        double treeTop = mmBox.Bottom + 26;
        var at = new Dictionary<VmAreaStruct, Box>();
        for (int i = 0; i < nodes.Count; i++)
        {
            (VmAreaStruct v, int depth) = nodes[i];
            bool red = v.VmRb.RbColor == Rbtree.RbRed;
            RbNode? parent = v.VmRb.RbParent;
            at[v] = svg.Cell(x0 + i * step, treeTop + depth * level, nodeW, [Hex(v.VmStart), Hex(v.VmEnd)], red ? "lvm-d-red" : "lvm-d-black",
                [("data-start", Hex(v.VmStart)), ("data-end", Hex(v.VmEnd)), ("data-color", red ? "red" : "black"),
                 ("data-depth", depth.ToString(inv)), ("data-parent", parent is null ? "" : Hex(parent.Entry<VmAreaStruct>().VmStart))]);
        }
        foreach ((VmAreaStruct v, _) in nodes)
        {
            Box b = at[v];
            foreach (RbNode? child in new[] { v.VmRb.RbLeft, v.VmRb.RbRight })
            {
                if (child is null)
                    continue;
                Box c = at[child.Entry<VmAreaStruct>()];
                svg.Line(b.X + b.W / 2, b.Bottom, c.X + c.W / 2, c.Y);
            }
        }
        if (mm.MmRb.RbNode is { } rootNode)
        {
            Box r = at[rootNode.Entry<VmAreaStruct>()];
            svg.Arrow(mmBox.Right, mmBox.RowMid(1), r.X, r.Y + r.H / 2);
        }
        double legendX = Math.Max(mmBox.Right + 80, x0 + nodes.Count * step - 4 - 27 * Svg.CharW);
        svg.Text(legendX, top + 12, "one node per vm_area_struct:", "lvm-d-note");
        svg.Text(legendX, top + 26, "its vm_rb, coloured by rb_color,", "lvm-d-note");
        svg.Text(legendX, top + 40, "labelled vm_start and vm_end", "lvm-d-note");

        // The mmap list, one box per region in the same column as its tree node.
        double listY = treeTop + (maxDepth + 1) * level + 22;
        svg.Text(4, listY - 8, "the same vm_area_structs on the mmap list, vm_next order, with vm_flags as /proc/<pid>/maps shows them", "lvm-d-heading", bold: true);
        var list = new List<VmAreaStruct>();
        for (VmAreaStruct? v = mm.Mmap; v is not null; v = v.VmNext)
            list.Add(v);
        Box? prev = null;
        for (int i = 0; i < list.Count; i++)
        {
            VmAreaStruct v = list[i];
            uint kib = (v.VmEnd - v.VmStart) / 1024;
            Box b = svg.Cell(x0 + i * step, listY, nodeW, [Perms(v.VmFlags), $"{kib} KiB"], "lvm-d-used",
                [("data-list", i.ToString(inv)), ("data-start", Hex(v.VmStart))]);
            if (prev is not null)
                svg.Arrow(prev.Right, prev.Y + prev.H / 2, b.X, b.Y + b.H / 2);
            prev = b;
        }
        if (prev is not null)
        {
            svg.Arrow(prev.Right, prev.Y + prev.H / 2, prev.Right + 16, prev.Y + prev.H / 2);
            svg.Text(prev.Right + 18, prev.Y + prev.H / 2 + 4, "NULL", "lvm-d-note");
        }
        // mm->mmap points at the first region on the list.
        if (list.Count > 0)
        {
            double y = mmBox.RowMid(0);
            svg.Path(string.Create(inv, $"M{x0},{y:0.#} L8,{y:0.#} L8,{listY + 18:0.#} L{x0},{listY + 18:0.#}"));
        }
        return svg.ToString();
    }

    /// <summary>The four letters /proc/&lt;pid&gt;/maps prints for a region's flags.</summary>
    /// <param name="flags">vm_flags.</param>
    /// <returns>For example "r-xp".</returns>
    public static string Perms(uint flags) => string.Concat(
        (flags & VmFlags.Read) != 0 ? "r" : "-",
        (flags & VmFlags.Write) != 0 ? "w" : "-",
        (flags & VmFlags.Exec) != 0 ? "x" : "-",
        (flags & VmFlags.MayShare) != 0 ? "s" : "p");
}
