using System.Text.RegularExpressions;

namespace LinuxVm.Mm;

/// <summary>
/// What a <c>[Linux(file, name)]</c> attribute may name: a file of the 2.4.20 tree and an identifier
/// spelled as the attribute's remarks describe. The port's test of its attributes and DocGen's
/// index both use this one definition: DocGen compiles this file into itself (see
/// tools/DocGen/DocGen.csproj), since it reads the port as source rather than loading it. No
/// [GeneratedRegex] here: DocGen compiles the port without source generators.
/// </summary>
internal static class KernelNames
{
    /// <summary>
    /// A path from the top of the tree: one of the tree's top-level source folders, then folders
    /// and a file name (none starting with a dot), ending in <c>.c</c>, <c>.h</c>, <c>.S</c>
    /// (assembly, such as arch/i386/kernel/head.S) or <c>.lds</c> (the linker script that
    /// places the kernel image's symbols).
    /// </summary>
    public static readonly Regex FilePattern = new(@"^(arch|drivers|fs|include|init|ipc|kernel|lib|mm|net)(/[A-Za-z0-9_+\-][A-Za-z0-9_+.\-]*)+\.(c|h|S|lds)$", RegexOptions.CultureInvariant);

    /// <summary>
    /// A C identifier (function, macro, constant, typedef, variable); <c>struct x</c>,
    /// <c>union x</c> or <c>enum x</c>; or a field as <c>type.field</c>, a member of a nested
    /// struct or union as <c>type.field.member</c>.
    /// </summary>
    public static readonly Regex NamePattern = new(@"^((struct|union|enum) [A-Za-z_][A-Za-z0-9_]*|[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*)$", RegexOptions.CultureInvariant);

    /// <summary>True when <paramref name="file"/> is a path in the kernel tree such as <c>mm/page_alloc.c</c>.</summary>
    public static bool IsFile(string file) => FilePattern.IsMatch(file);

    /// <summary>True when <paramref name="name"/> is spelled as a kernel identifier.</summary>
    public static bool IsName(string name) => NamePattern.IsMatch(name);
}
