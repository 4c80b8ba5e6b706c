using LinuxVm.DocGen.Diagnostics;
using LinuxVm.DocGen.Index;
using LinuxVm.DocGen.Load;
using LinuxVm.DocGen.Pipeline;

namespace LinuxVm.DocGen.Tests;

/// <summary>
/// The committed table of where each kernel identifier is in the original C (made by
/// scripts/kernel-lines.py), and the links to the C that DocGen makes from it.
/// </summary>
public class KernelLinesTests
{
    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(Fixture.ProjectDir()); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "LinuxVm.slnx")))
                return dir.FullName;
        throw new InvalidOperationException("LinuxVm.slnx not found above " + Fixture.ProjectDir());
    }

    [Fact]
    public void Table_PlacesEveryPortedFunctionOfACFile()
    {
        string root = RepoRoot();
        var lines = KernelLines.Load(root, new BuildOptions().KernelLines);
        var index = Indexer.Build(SourceLoader.Load(root, ["src"]));
        var functions = index.All.Where(e => e.Kind == KernelKind.Function && e.File.EndsWith(".c", StringComparison.Ordinal)).ToList();
        Assert.True(functions.Count > 300, $"only {functions.Count} functions of .c files found in the port");
        var missing = functions.Where(e => lines.LineOf(e.File, e.Name) is null).Select(e => e.Key).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0,
            $"tools/DocGen/kernel-lines.tsv does not place {missing.Count} ported functions (run scripts/kernel-lines.py): " + string.Join(", ", missing.Take(20)));
    }

    [Fact]
    public void MalformedLine_IsAnErrorAtItsLine()
    {
        string dir = Fixture.Copy(("tools/DocGen/kernel-lines.tsv", "# header\nmm/page_alloc.c\trmqueue\t199\nmm/page_alloc.c rmqueue 199\n"));
        try
        {
            var e = Assert.Throws<DocGenException>(() => Build.Generate(Fixture.Options(dir)));
            Assert.Contains("tools/DocGen/kernel-lines.tsv:3:1: expected 'kernel file<TAB>name<TAB>line'", e.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void PlacedFunctions_LinkToTheirLineInTheC_OthersOnlyToTheFile()
    {
        var pages = Build.Generate(Fixture.Options(Fixture.Port)).Pages;
        string reference = pages.Single(p => p.SitePath == "reference/mm/page_alloc.c.md").Woven;
        Assert.Contains("the C: [mm/page_alloc.c:199](https://github.com/sndrzt/linux-2.4.20.lite/blob/426c5ed/mm/page_alloc.c#L199)", reference);
        Assert.Contains("The original C is [mm/page_alloc.c at 426c5ed](https://github.com/sndrzt/linux-2.4.20.lite/blob/426c5ed/mm/page_alloc.c)", reference);
        Assert.DoesNotContain("mm/page_alloc.c#L", reference.Split("### alloc_page\n")[1].Split("###")[0]);
        string commentary = pages.Single(p => p.SitePath == "commentary/page_alloc.md").Woven;
        Assert.Contains("<a class=\"lvm-kfile lvm-c\" href=\"https://github.com/sndrzt/linux-2.4.20.lite/blob/426c5ed/mm/page_alloc.c#L327\"", commentary);
        Assert.Contains("The original C: <a href=\"https://github.com/sndrzt/linux-2.4.20.lite/blob/426c5ed/mm/page_alloc.c\">", commentary);
    }
}
