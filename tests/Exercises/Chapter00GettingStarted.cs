using System.Reflection;
using LinuxVm.Mm;

namespace LinuxVm.Exercises;

/// <summary>Chapter 0: finding the C# for a kernel name.</summary>
public class Chapter00GettingStarted
{
    /// <summary>
    /// Which C# method ports <c>__alloc_pages</c>? Two kernel names, <c>alloc_pages</c> and
    /// <c>__alloc_pages</c>, would both become <c>AllocPages</c>; the one with more leading
    /// underscores takes the <c>Core</c> suffix, so the answer is <c>PageAlloc.AllocPagesCore</c>,
    /// the overload that takes a zonelist.
    /// </summary>
    [Fact]
    [Chapter(0)]
    public void AllocPagesCore_Ports_DoubleUnderscoreAllocPages()
    {
        var ported = typeof(PageAlloc).GetMethods()
            .Where(m => m.GetCustomAttributes<LinuxAttribute>().Any(a => a.Name == "__alloc_pages"))
            .Select(m => m.Name)
            .ToList();
        Assert.Equal(["AllocPagesCore"], ported);
    }

    /// <summary>
    /// Which C# file holds <c>rmqueue</c>? Each kernel file is one C# class named after it, so
    /// <c>mm/page_alloc.c</c> is the class <c>PageAlloc</c>, and its attribute names the file.
    /// </summary>
    [Fact]
    [Chapter(0)]
    public void Rmqueue_LivesInPageAlloc_AndNamesItsKernelFile()
    {
        var method = typeof(PageAlloc).GetMethod("Rmqueue", BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Instance)!;
        var attribute = method.GetCustomAttribute<LinuxAttribute>()!;
        Assert.Equal(("mm/page_alloc.c", "rmqueue"), (attribute.File, attribute.Name));
    }
}
