using System.Text.RegularExpressions;

namespace LinuxVm.DocGen.Index;

/// <summary>How a well-formed kernel file and identifier look (see LinuxAttribute's remarks).</summary>
public static partial class NameRules
{
    /// <summary>A path inside the 2.4.20 tree: lower-case folders, a <c>.c</c>, <c>.h</c>, <c>.S</c> or linker-script <c>.lds</c> file.</summary>
    [GeneratedRegex(@"^[a-z0-9_\-]+(/[A-Za-z0-9_\-+.]+)*\.(c|h|S|lds)$")]
    public static partial Regex KernelFile();

    /// <summary>An identifier, <c>struct x</c>/<c>union x</c>/<c>enum x</c>, or a field <c>x.y</c> (nested <c>x.y.z</c> allowed).</summary>
    [GeneratedRegex(@"^((struct|union|enum) )?[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")]
    public static partial Regex KernelName();

    /// <summary>An anchor id for a kernel name, unique within one page: <c>struct page</c> becomes <c>k-struct-page</c>.</summary>
    public static string Anchor(string kernelName) => "k-" + AnchorChars().Replace(kernelName, "-");

    [GeneratedRegex("[^A-Za-z0-9_]")]
    private static partial Regex AnchorChars();
}
