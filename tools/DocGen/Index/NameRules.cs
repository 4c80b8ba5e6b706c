using System.Text.RegularExpressions;

namespace LinuxVm.DocGen.Index;

/// <summary>How kernel names become anchors. Which kernel files and names are well formed is src/Mm/KernelNames.cs, shared with the port.</summary>
public static partial class NameRules
{
    /// <summary>An anchor id for a kernel name, unique within one page: <c>struct page</c> becomes <c>k-struct-page</c>.</summary>
    public static string Anchor(string kernelName) => "k-" + AnchorChars().Replace(kernelName, "-");

    [GeneratedRegex("[^A-Za-z0-9_]")]
    private static partial Regex AnchorChars();
}
