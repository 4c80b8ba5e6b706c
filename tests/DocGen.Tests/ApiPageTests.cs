using LinuxVm.DocGen.Pipeline;

namespace LinuxVm.DocGen.Tests;

/// <summary>
/// The API overwrites: a type's page links its kernel files, and each of its public members that
/// ports a kernel identifier gets a section of its own linking the kernel index, the source line,
/// the C at its line and the chapters.
/// </summary>
public sealed class ApiPageTests
{
    private static string Overwrite(string uid)
    {
        var o = Fixture.Options(Fixture.Port);
        o.Api = true;
        var pages = Build.Generate(o).Pages;
        return pages.Single(p => p.SitePath == $"apidoc/{uid}.md").Woven;
    }

    /// <summary>The text of the section whose header names <paramref name="uid"/>.</summary>
    private static string Section(string file, string uid)
    {
        string header = $"---\nuid: '{uid}'\nconceptual: *content\n---\n";
        int at = file.IndexOf(header, StringComparison.Ordinal);
        Assert.True(at >= 0, $"no section for {uid} in:\n{file}");
        string rest = file[(at + header.Length)..];
        int next = rest.IndexOf("\n---\n", StringComparison.Ordinal);
        return next < 0 ? rest : rest[..next];
    }

    [Fact]
    public void APortedMember_LinksItsKernelIndexEntry_ItsSourceLine_TheCAtItsLine_AndItsChapter()
    {
        string file = Overwrite("Fixture.Alloc");
        string s = Section(file, "Fixture.Alloc.AllocPagesCore(System.Int32)");
        Assert.Contains("[`__alloc_pages`](../reference/index.md#x-mm-page_alloc-c-__alloc_pages ", s);
        Assert.Contains("[mm/page_alloc.c:327](https://github.com/sndrzt/linux-2.4.20.lite/blob/426c5ed/mm/page_alloc.c#L327 ", s);
        Assert.Contains("source: [src/Fixture/Alloc.cs:10](../source/src/Fixture/Alloc.cs.md#L10)", s);
        Assert.Contains("](../chapters/", s);
    }

    [Fact]
    public void AMemberWithoutALineInTheTable_LinksNoC_AndPrivateMembersGetNoSection()
    {
        string file = Overwrite("Fixture.Alloc");
        string s = Section(file, "Fixture.Alloc.AllocPage");
        Assert.Contains("[`alloc_page`](../reference/index.md#x-mm-page_alloc-c-alloc_page ", s);
        Assert.DoesNotContain("github.com", s);
        Assert.DoesNotContain("Rmqueue", file);
        Assert.DoesNotContain("Expand", file);
    }
}
