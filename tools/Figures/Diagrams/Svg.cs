using System.Globalization;
using System.Net;
using System.Text;

namespace LinuxVm.Figures.Diagrams;

/// <summary>One row of a structure box: a C field name and its value.</summary>
/// <param name="Label">What the row says on the left, normally the C field name.</param>
/// <param name="Value">The value, as text.</param>
/// <param name="Field">The row's kernel name (<c>struct.field</c>) when it shows a field of a ported type; the SVG carries it as <c>data-field</c> so a test can check it.</param>
public sealed record Row(string Label, string Value, string? Field = null)
{
    /// <summary>A row showing the C field <paramref name="field"/> of <paramref name="obj"/>, read through its <c>[Linux]</c> member.</summary>
    /// <param name="obj">An instance of a ported structure.</param>
    /// <param name="field">The C field name.</param>
    /// <param name="format">How to show the value; numbers in decimal, NULL for null, when not given.</param>
    /// <param name="label">The label, when it is not the field name (an array element, say).</param>
    /// <returns>The row.</returns>
    public static Row Of(object obj, string field, Func<object?, string>? format = null, string? label = null) =>
        new(label ?? field, (format ?? Plain)(Fields.Get(obj, field)), Fields.KernelName(obj.GetType(), field));

    /// <summary>A value as the diagrams show it by default.</summary>
    /// <param name="value">Any field value.</param>
    /// <returns>Numbers in decimal, NULL for null, strings quoted.</returns>
    public static string Plain(object? value) => value switch
    {
        null => "NULL",
        string s => "\"" + s + "\"",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.GetType().Name,
    };

    /// <summary>A number in hexadecimal with <paramref name="digits"/> digits.</summary>
    /// <param name="digits">Digits to show.</param>
    /// <returns>A formatter.</returns>
    public static Func<object?, string> Hex(int digits) =>
        v => "0x" + Convert.ToUInt64(v, CultureInfo.InvariantCulture).ToString("x" + digits, CultureInfo.InvariantCulture);
}

/// <summary>Where a structure box was drawn, for arrows to and from it.</summary>
/// <param name="X">Left edge.</param>
/// <param name="Y">Top edge.</param>
/// <param name="W">Width.</param>
/// <param name="H">Height.</param>
public sealed record Box(double X, double Y, double W, double H)
{
    /// <summary>Right edge.</summary>
    public double Right => X + W;

    /// <summary>Bottom edge.</summary>
    public double Bottom => Y + H;

    /// <summary>The vertical middle of the title bar.</summary>
    public double TitleMid => Y + Svg.RowH / 2;

    /// <summary>The vertical middle of row <paramref name="i"/> (0 is the first row under the title).</summary>
    /// <param name="i">Row index.</param>
    /// <returns>A y coordinate.</returns>
    public double RowMid(int i) => Y + Svg.RowH * (i + 1) + Svg.RowH / 2;
}

/// <summary>
/// A small SVG writer for the data-structure diagrams: boxes with a title and field rows, and
/// arrows between them. Text is SVG text in a monospace font (12 px, about 7.3 px a character), so
/// it stays selectable and searchable, and the drawing's size is fixed in pixels so that it scrolls
/// inside its figure box on a narrow screen rather than shrinking out of reach. The classes
/// (lvm-d-*) let the site's CSS colour it for the light and dark themes; the attributes give the
/// same drawing sensible colours on its own.
/// </summary>
public sealed class Svg(string id, string label)
{
    /// <summary>Height of one row, in px.</summary>
    public const double RowH = 16;

    /// <summary>Width of one character of the 12 px monospace font, in px (with a little to spare).</summary>
    public const double CharW = 7.3;

    private readonly StringBuilder _body = new();
    private double _maxX, _maxY;

    /// <summary>The width a box needs for a title and rows.</summary>
    /// <param name="title">The box's title.</param>
    /// <param name="rows">Its rows.</param>
    /// <returns>Width in px.</returns>
    public static double Width(string title, IEnumerable<Row> rows)
    {
        int chars = Math.Max(title.Length, rows.Select(r => r.Label.Length + 2 + r.Value.Length).DefaultIfEmpty(0).Max());
        return Math.Ceiling(chars * CharW + 12);
    }

    /// <summary>Draws a structure: a title bar and one row per field, labels left and values right.</summary>
    /// <param name="x">Left edge.</param>
    /// <param name="y">Top edge.</param>
    /// <param name="title">The title (the C type, and which one).</param>
    /// <param name="rows">The rows.</param>
    /// <param name="width">The width, or null to fit the text.</param>
    /// <param name="data">Attributes for the box's group (<c>data-*</c> for tests).</param>
    /// <returns>Where it went.</returns>
    public Box Struct(double x, double y, string title, IReadOnlyList<Row> rows, double? width = null, IEnumerable<(string Name, string Value)>? data = null)
    {
        double w = width ?? Width(title, rows);
        double h = RowH * (rows.Count + 1);
        _body.Append("<g class=\"lvm-d-struct\"");
        foreach (var (name, value) in data ?? [])
            _body.Append(' ').Append(name).Append("=\"").Append(Esc(value)).Append('"');
        _body.Append(">\n");
        _body.Append($"<rect class=\"lvm-d-box\" x=\"{N(x)}\" y=\"{N(y)}\" width=\"{N(w)}\" height=\"{N(h)}\" fill=\"#eef3fb\" stroke=\"#5b7db1\"/>\n");
        _body.Append($"<rect class=\"lvm-d-title\" x=\"{N(x)}\" y=\"{N(y)}\" width=\"{N(w)}\" height=\"{N(RowH)}\" fill=\"#d6e2f5\" stroke=\"#5b7db1\"/>\n");
        Text(x + 5, y + RowH - 4, title, "lvm-d-name", bold: true);
        for (int i = 0; i < rows.Count; i++)
        {
            double baseline = y + RowH * (i + 2) - 4;
            Row r = rows[i];
            _body.Append("<g class=\"lvm-d-row\"");
            if (r.Field is not null)
                _body.Append(" data-field=\"").Append(Esc(r.Field)).Append('"');
            _body.Append(">");
            Text(x + 5, baseline, r.Label, "lvm-d-field", inline: true);
            Text(x + w - 5, baseline, r.Value, "lvm-d-value", anchor: "end", inline: true);
            _body.Append("</g>\n");
        }
        _body.Append("</g>\n");
        Grow(x + w, y + h);
        return new Box(x, y, w, h);
    }

    /// <summary>Draws a box with centred text lines, filled by class (a red-black node, an object of a slab).</summary>
    /// <param name="x">Left edge.</param>
    /// <param name="y">Top edge.</param>
    /// <param name="w">Width.</param>
    /// <param name="lines">Text lines.</param>
    /// <param name="cls">The class: lvm-d-red, lvm-d-black, lvm-d-used, lvm-d-free.</param>
    /// <param name="data">Attributes for the group (<c>data-*</c> for tests).</param>
    /// <param name="height">The height, or null to fit the lines; the lines are centred in it.</param>
    /// <returns>Where it went.</returns>
    public Box Cell(double x, double y, double w, IReadOnlyList<string> lines, string cls, IEnumerable<(string Name, string Value)>? data = null, double? height = null)
    {
        double h = height ?? RowH * lines.Count + 4;
        double textTop = y + (h - RowH * lines.Count) / 2;
        (string fill, string ink) = cls switch
        {
            "lvm-d-red" => ("#c0392b", "#ffffff"),
            "lvm-d-black" => ("#222222", "#ffffff"),
            "lvm-d-used" => ("#d6e2f5", "#1b2430"),
            "lvm-d-mgmt" => ("#ffe9b3", "#1b2430"),
            _ => ("#ffffff", "#1b2430"),
        };
        _body.Append($"<g class=\"{cls}\"");
        foreach (var (name, value) in data ?? [])
            _body.Append(' ').Append(name).Append("=\"").Append(Esc(value)).Append('"');
        _body.Append(">\n");
        _body.Append($"<rect x=\"{N(x)}\" y=\"{N(y)}\" width=\"{N(w)}\" height=\"{N(h)}\" rx=\"4\" fill=\"{fill}\" stroke=\"#5b7db1\"/>\n");
        for (int i = 0; i < lines.Count; i++)
            _body.Append($"<text x=\"{N(x + w / 2)}\" y=\"{N(textTop + RowH * (i + 1) - 4)}\" text-anchor=\"middle\" fill=\"{ink}\">{Esc(lines[i])}</text>\n");
        _body.Append("</g>\n");
        Grow(x + w, y + h);
        return new Box(x, y, w, h);
    }

    /// <summary>Writes text.</summary>
    /// <param name="x">x of the anchor.</param>
    /// <param name="y">Baseline.</param>
    /// <param name="text">The text.</param>
    /// <param name="cls">Its class.</param>
    /// <param name="anchor">start, middle or end.</param>
    /// <param name="bold">Bold.</param>
    /// <param name="inline">No line break after it (inside a row group).</param>
    public void Text(double x, double y, string text, string cls = "lvm-d-note", string anchor = "start", bool bold = false, bool inline = false)
    {
        _body.Append($"<text class=\"{cls}\" x=\"{N(x)}\" y=\"{N(y)}\"");
        if (anchor != "start")
            _body.Append($" text-anchor=\"{anchor}\"");
        if (bold)
            _body.Append(" font-weight=\"bold\"");
        _body.Append(" fill=\"#1b2430\">").Append(Esc(text)).Append("</text>");
        if (!inline)
            _body.Append('\n');
        double w = text.Length * CharW;
        Grow(anchor switch { "end" => x, "middle" => x + w / 2, _ => x + w }, y + 4);
    }

    /// <summary>An arrow from one point to another: straight when the points line up, else an S-curve.</summary>
    /// <param name="x1">From x.</param>
    /// <param name="y1">From y.</param>
    /// <param name="x2">To x.</param>
    /// <param name="y2">To y.</param>
    /// <param name="dashed">Dashed (a back link such as list_head.prev).</param>
    /// <param name="vertical">Bend vertically (leave downwards, arrive from above) rather than horizontally.</param>
    public void Arrow(double x1, double y1, double x2, double y2, bool dashed = false, bool vertical = false)
    {
        string d;
        if (Math.Abs(y1 - y2) < 0.5 || Math.Abs(x1 - x2) < 0.5)
            d = $"M{N(x1)},{N(y1)} L{N(x2)},{N(y2)}";
        else if (vertical)
        {
            double k = Math.Max(12, Math.Abs(y2 - y1) / 2);
            d = $"M{N(x1)},{N(y1)} C{N(x1)},{N(y1 + k)} {N(x2)},{N(y2 - k)} {N(x2)},{N(y2)}";
        }
        else
        {
            double k = Math.Max(12, Math.Abs(x2 - x1) / 2);
            d = $"M{N(x1)},{N(y1)} C{N(x1 + k)},{N(y1)} {N(x2 - k)},{N(y2)} {N(x2)},{N(y2)}";
        }
        Path(d, dashed, arrow: true);
    }

    /// <summary>A path with an arrowhead (or without), in the edge colour.</summary>
    /// <param name="d">The SVG path data.</param>
    /// <param name="dashed">Dashed.</param>
    /// <param name="arrow">Draw an arrowhead at the end.</param>
    public void Path(string d, bool dashed = false, bool arrow = true)
    {
        _body.Append($"<path class=\"lvm-d-edge\" d=\"{d}\" fill=\"none\" stroke=\"#6b7a90\" stroke-width=\"1.2\"");
        if (dashed)
            _body.Append(" stroke-dasharray=\"4 3\"");
        if (arrow)
            _body.Append($" marker-end=\"url(#{id}-arrow)\"");
        _body.Append("/>\n");
    }

    /// <summary>A plain line (a tree edge), no arrowhead.</summary>
    /// <param name="x1">From x.</param>
    /// <param name="y1">From y.</param>
    /// <param name="x2">To x.</param>
    /// <param name="y2">To y.</param>
    public void Line(double x1, double y1, double x2, double y2) =>
        Path($"M{N(x1)},{N(y1)} L{N(x2)},{N(y2)}", arrow: false);

    /// <summary>The finished SVG element, sized to what was drawn plus a margin.</summary>
    /// <returns>One <c>svg</c> element with no blank line in it.</returns>
    public override string ToString()
    {
        double w = Math.Ceiling(_maxX + 8), h = Math.Ceiling(_maxY + 8);
        var sb = new StringBuilder();
        sb.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"lvm-diagram\" id=\"{id}\" width=\"{N(w)}\" height=\"{N(h)}\" viewBox=\"0 0 {N(w)} {N(h)}\" role=\"img\" aria-label=\"{Esc(label)}\" font-family=\"ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace\" font-size=\"12\">\n");
        sb.Append($"<defs><marker id=\"{id}-arrow\" viewBox=\"0 0 8 8\" refX=\"8\" refY=\"4\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path class=\"lvm-d-arrowhead\" d=\"M0,0 L8,4 L0,8 z\" fill=\"#6b7a90\"/></marker></defs>\n");
        sb.Append(_body);
        sb.Append("</svg>\n");
        return sb.ToString();
    }

    /// <summary>Makes room for something drawn past the boxes (a looping arrow).</summary>
    /// <param name="x">Right-most x it reaches.</param>
    /// <param name="y">Lowest y it reaches.</param>
    public void Grow(double x, double y)
    {
        _maxX = Math.Max(_maxX, x);
        _maxY = Math.Max(_maxY, y);
    }

    private static string N(double v) => Math.Round(v, 1).ToString(CultureInfo.InvariantCulture);

    private static string Esc(string s) => WebUtility.HtmlEncode(s);
}
