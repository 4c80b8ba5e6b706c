namespace LinuxVm.Mm;

/// <summary>
/// Names the Linux 2.4.20 identifier that a C# member ports: the kernel file it lives in and its
/// exact spelling there. DocGen reads this attribute to build the cross-reference and the call
/// graph, and a test checks that every ported member carries one.
/// </summary>
/// <remarks>
/// Spelling of <see cref="Name"/> by kind of identifier:
/// <list type="bullet">
/// <item>function or macro: as in C, e.g. <c>__alloc_pages</c>, <c>virt_to_page</c>;</item>
/// <item>struct or typedef: <c>struct page</c>, <c>zone_t</c>, <c>kmem_cache_t</c>;</item>
/// <item>field of a struct: <c>struct_name.field</c>, e.g. <c>zone_t.pages_min</c>;</item>
/// <item>constant or flag: as in C, e.g. <c>MAX_ORDER</c>, <c>__GFP_WAIT</c>.</item>
/// </list>
/// Several kernel names may map to C# names that differ only by leading underscores; the
/// attribute keeps them apart.
/// </remarks>
[AttributeUsage(AttributeTargets.All, AllowMultiple = true, Inherited = false)]
public sealed class LinuxAttribute : Attribute
{
    /// <summary>Marks a member as the port of <paramref name="name"/> from <paramref name="file"/>.</summary>
    /// <param name="file">Path of the kernel file inside the 2.4.20 tree, e.g. <c>mm/page_alloc.c</c>.</param>
    /// <param name="name">The kernel identifier, spelled as described on the class.</param>
    public LinuxAttribute(string file, string name)
    {
        File = file;
        Name = name;
    }

    /// <summary>Kernel file that defines the identifier, relative to the top of the tree.</summary>
    public string File { get; }

    /// <summary>The identifier exactly as the kernel spells it.</summary>
    public string Name { get; }
}
