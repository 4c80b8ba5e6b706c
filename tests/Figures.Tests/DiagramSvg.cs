using System.Globalization;
using System.Xml.Linq;

namespace LinuxVm.Figures.Tests;

/// <summary>A diagram figure's SVG, parsed, with the lookups the tests need.</summary>
internal sealed class DiagramSvg
{
    private static readonly XNamespace Ns = "http://www.w3.org/2000/svg";

    public DiagramSvg(string svg)
    {
        Text = svg;
        Root = XElement.Parse(svg);
    }

    public string Text { get; }

    public XElement Root { get; }

    public double Width => double.Parse(Root.Attribute("width")!.Value, CultureInfo.InvariantCulture);

    /// <summary>Groups carrying the attribute <paramref name="name"/>, in document order.</summary>
    public List<XElement> With(string name) => Root.Descendants(Ns + "g").Where(g => g.Attribute(name) is not null).ToList();

    /// <summary>The kernel names of every field row in the drawing.</summary>
    public List<string> FieldNames() => With("data-field").Select(g => g.Attribute("data-field")!.Value).ToList();

    /// <summary>The rows of a structure box: label to value.</summary>
    public static Dictionary<string, string> Rows(XElement box) => box.Elements(Ns + "g")
        .Where(g => (string?)g.Attribute("class") == "lvm-d-row")
        .ToDictionary(g => Label(g).Trim(), g => g.Elements(Ns + "text").Single(t => (string?)t.Attribute("class") == "lvm-d-value").Value);

    /// <summary>The title of a structure box.</summary>
    public static string Title(XElement box) => box.Elements(Ns + "text").First().Value;

    /// <summary>The text lines of a cell.</summary>
    public static List<string> Lines(XElement cell) => cell.Elements(Ns + "text").Select(t => t.Value).ToList();

    public static string Attr(XElement e, string name) => e.Attribute(name)!.Value;

    private static string Label(XElement row) => row.Elements(Ns + "text").Single(t => (string?)t.Attribute("class") == "lvm-d-field").Value;
}
