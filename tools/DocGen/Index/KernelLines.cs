using System.Globalization;

namespace LinuxVm.DocGen.Index;

/// <summary>
/// Where each kernel identifier is defined in the original C, read from the committed table
/// <c>tools/DocGen/kernel-lines.tsv</c> (made by <c>scripts/kernel-lines.py</c> from the 2.4.20
/// tree: kernel file, name and line, no kernel text), so that pages link to the C at the pinned
/// commit of the public sndrzt/linux-2.4.20.lite repository without the tree at hand.
/// </summary>
public sealed class KernelLines
{
    /// <summary>The repository and commit the links go to.</summary>
    public const string Base = "https://github.com/sndrzt/linux-2.4.20.lite/blob/426c5ed/";

    private readonly Dictionary<string, int> _lines = new(StringComparer.Ordinal);

    /// <summary>An empty table: files link to the C, identifiers do not.</summary>
    public KernelLines()
    {
    }

    /// <summary>Reads the table at <paramref name="rel"/> under <paramref name="root"/>; a missing file gives an empty table, a malformed line an error naming it.</summary>
    public static KernelLines Load(string root, string rel)
    {
        string path = Path.GetFullPath(Path.Combine(root, rel));
        var t = new KernelLines();
        if (!File.Exists(path))
            return t;
        int n = 0;
        foreach (string line in File.ReadLines(path))
        {
            n++;
            if (line.Length == 0 || line[0] == '#')
                continue;
            string[] f = line.Split('\t');
            if (f.Length != 3 || !int.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out int l) || l < 1)
                throw Diagnostics.DocGenException.At(Path.GetRelativePath(root, path).Replace('\\', '/'), n, 1, "expected 'kernel file<TAB>name<TAB>line'; run scripts/kernel-lines.py again");
            t._lines[f[0] + ":" + f[1]] = l;
        }
        return t;
    }

    /// <summary>The number of identifiers placed.</summary>
    public int Count => _lines.Count;

    /// <summary>The line of <paramref name="name"/> in <paramref name="file"/>, or null when the table does not place it.</summary>
    public int? LineOf(string file, string name) => _lines.TryGetValue(file + ":" + name, out int l) ? l : null;

    /// <summary>The C of a kernel file at the pinned commit.</summary>
    public static string FileUrl(string file) => Base + file;

    /// <summary>The C of an identifier (its line), or null when the table does not place it.</summary>
    public string? Url(KernelSymbol e) => LineOf(e.File, e.Name) is int l ? $"{Base}{e.File}#L{l}" : null;
}
