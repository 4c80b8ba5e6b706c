using LinuxVm.DocGen.Diagnostics;
using LinuxVm.DocGen.Pipeline;

namespace LinuxVm.DocGen.Tests;

/// <summary>
/// Bad input outside the directives: options that name something DocGen cannot use stop the build
/// before it writes anything (exit 2, one line), and a document's own mistakes (an exercises list
/// of no chapter, a link to no page, a kernel name with no close match) are file:line:column errors.
/// </summary>
[Collection("Console")]
public class InputErrorTests
{
    private static string Chapter(string body) => "# Broken\n\nSome prose.\n\n" + body + "\n";

    private static string OneError(string chapterBody, params (string Path, string Text)[] more)
    {
        var errors = Fixture.Errors([.. more, ("chapters/05-broken.md", Chapter(chapterBody))]);
        return Assert.Single(errors);
    }

    private static (int Code, string Errors) RunDocGen(params string[] args)
    {
        var saved = Console.Error;
        var err = new StringWriter();
        try
        {
            Console.SetError(err);
            return (Program.Main(args), err.ToString());
        }
        finally
        {
            Console.SetError(saved);
        }
    }

    /// <summary>Runs DocGen build (docfx on) on a copy of the fixture changed by <paramref name="change"/>; checks exit 2, the one line, and that the copy's _site and work folder are as they were.</summary>
    private static void UsageError(Action<string> change, Func<string, string[]> extraArgs, Func<string, string> expected)
    {
        string dir = Fixture.Copy();
        try
        {
            // The fixture folder may hold a work folder of an earlier test run; start without one.
            if (Directory.Exists(Path.Combine(dir, ".docgen")))
                Directory.Delete(Path.Combine(dir, ".docgen"), recursive: true);
            change(dir);
            Directory.CreateDirectory(Path.Combine(dir, "_site"));
            File.WriteAllText(Path.Combine(dir, "_site", "index.html"), "previous site");
            var (code, errors) = RunDocGen(["build", "--root", dir, "--no-api", "--exercises", "tests/Exercises", .. extraArgs(dir)]);
            Assert.Equal(2, code);
            Assert.Equal("docgen: " + expected(dir) + Environment.NewLine, errors);
            Assert.Equal(["index.html"], Directory.EnumerateFileSystemEntries(Path.Combine(dir, "_site")).Select(Path.GetFileName));
            Assert.Equal("previous site", File.ReadAllText(Path.Combine(dir, "_site", "index.html")));
            Assert.False(Directory.Exists(Path.Combine(dir, ".docgen")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static readonly string FiguresDll = typeof(FixtureFigures).Assembly.Location;

    [Fact]
    public void FiguresThatIsNoAssembly_IsAUsageError()
    {
        UsageError(dir => File.WriteAllText(Path.Combine(dir, "figures.dll"), "not an assembly"),
            dir => ["--figures", "figures.dll"],
            dir => $"--figures 'figures.dll' is not a .NET assembly (it has no .NET metadata); give the built figures assembly, e.g. tools/Figures/bin/Release/net10.0/LinuxVm.Figures.dll");
    }

    [Fact]
    public void FiguresThatIsMissing_IsAUsageError()
    {
        UsageError(_ => { }, dir => ["--figures", "no/such.dll"],
            dir => $"--figures 'no/such.dll' does not exist ({Path.Combine(dir, "no", "such.dll")}); give the built figures assembly, e.g. tools/Figures/bin/Release/net10.0/LinuxVm.Figures.dll");
    }

    [Fact]
    public void MissingChapters_IsAUsageError()
    {
        UsageError(dir => Directory.Delete(Path.Combine(dir, "chapters"), recursive: true), _ => ["--figures", FiguresDll],
            dir => $"--root '{dir}' has no chapters/ folder ({Path.Combine(dir, "chapters")}); give the repository root, where chapters/ and commentary/ are");
    }

    [Fact]
    public void MissingExercisesFolder_IsAUsageError()
    {
        UsageError(_ => { }, _ => ["--figures", FiguresDll, "--exercises", "tests/Nothing"],
            dir => $"--exercises 'tests/Nothing' is not a folder ({Path.Combine(dir, "tests", "Nothing")}); give a folder of exercise tests, relative to --root");
    }

    [Fact]
    public void MissingSourceFolder_IsAUsageError()
    {
        UsageError(_ => { }, _ => ["--figures", FiguresDll, "--src", "lib"],
            dir => $"--src 'lib' is not a folder ({Path.Combine(dir, "lib")}); give a folder of the port, relative to --root");
    }

    [Fact]
    public void SiteThatIsAFile_IsAUsageError()
    {
        UsageError(dir => File.WriteAllText(Path.Combine(dir, "site.txt"), "a file"), _ => ["--figures", FiguresDll, "--site", "site.txt"],
            dir => $"--site 'site.txt' is a file ({Path.Combine(dir, "site.txt")}); give a folder DocGen may replace");
    }

    [Fact]
    public void EmptyFigures_IsReportedByTheParser()
    {
        var (code, errors) = RunDocGen("build", "--figures", "");
        Assert.Equal(2, code);
        Assert.StartsWith("docgen: --figures needs a non-empty value", errors);
    }

    [Fact]
    public void FigureDirective_WithAnAssemblyThatIsNone_IsAnErrorAtTheDirective()
    {
        // Through the API (no option check first): the directive says what is wrong, no BadImageFormatException escapes.
        string dir = Fixture.Copy(("chapters/05-broken.md", Chapter(":::figure run=\"A.B.C\":::")), ("figures.dll", "not an assembly"));
        try
        {
            var o = Fixture.Options(dir);
            o.Figures = "figures.dll";
            var runner = new Weave.Figure.FigureRunner(o.FiguresPath);
            var (output, error) = runner.Run("A.B.C");
            Assert.Null(output);
            Assert.Equal($"figure 'A.B.C' cannot run: the figures assembly {o.FiguresPath} is not a .NET assembly (it has no .NET metadata)", error);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void ExercisesOfNoChapter_AreReported()
    {
        Assert.Equal("chapters/05-broken.md:5:1: chapter=\"99\" is not a chapter of this site; its chapters are 0, 1, 5",
            OneError(":::exercises chapter=\"99\":::"));
    }

    [Fact]
    public void ExercisesOfAChapter_AreNotAnError()
    {
        Assert.Empty(Fixture.Errors(("chapters/05-broken.md", Chapter(":::exercises chapter=\"1\":::"))));
    }

    private const string ShortName = "namespace Fixture;\npublic static class Short\n{\n    [Linux(\"mm/page_alloc.c\", \"K\")]\n    public const int K = 1;\n}\n";

    [Fact]
    public void UnknownKernelName_SuggestsNoShortNameItHappensToContain()
    {
        Assert.Equal("chapters/05-broken.md:5:9: unknown kernel name 'kmalloc_sizes'",
            OneError("We call [[kernel:kmalloc_sizes]] here.", ("src/Fixture/Short.cs", ShortName)));
    }

    [Fact]
    public void UnknownKernelName_SuggestsNoLongerNameThatMerelyContainsIt()
    {
        Assert.Equal("chapters/05-broken.md:5:1: unknown kernel name 'queue'",
            OneError(":::snippet kernel=\"queue\":::"));
    }

    [Fact]
    public void UnknownKernelName_CutShort_SuggestsTheFullName()
    {
        Assert.Equal("chapters/05-broken.md:5:9: unknown kernel name 'do_no'; did you mean 'do_no_page'?",
            OneError("We call [[kernel:do_no]] here."));
    }

    [Fact]
    public void BrokenLinkToAChapter_IsReportedWithTheNearestPage()
    {
        Assert.Equal("chapters/05-broken.md:5:5: link '01-fault.md' leads to chapters/01-fault.md, which is not a page of the site; did you mean chapters/01-faults.md?",
            OneError("See [faults](01-fault.md) first."));
    }

    [Fact]
    public void BrokenLinkToCommentary_IsReported()
    {
        Assert.Equal("chapters/05-broken.md:5:5: link '../commentary/nothing.md#x' leads to commentary/nothing.md, which is not a page of the site",
            OneError("See [it](../commentary/nothing.md#x) first."));
    }

    [Fact]
    public void LinkToAHeadingAnotherPageLacks_IsReportedWithTheNearestHeading()
    {
        Assert.Equal("chapters/05-broken.md:5:5: link '../commentary/page_alloc.md#__alloc_page' names no heading or id of commentary/page_alloc.md; did you mean #__alloc_pages?",
            OneError("See [it](../commentary/page_alloc.md#__alloc_page) first."));
    }

    [Fact]
    public void LinkToAHeadingThisPageLacks_IsReported()
    {
        Assert.Equal("chapters/05-broken.md:5:5: link '#brokn' names no heading or id of this page; did you mean #broken?",
            OneError("See [it](#brokn) first."));
    }

    [Fact]
    public void LinkOutsideTheSite_IsReported()
    {
        Assert.Equal("chapters/05-broken.md:5:5: link '../../README.md' leads outside the site",
            OneError("See [it](../../README.md) first."));
    }

    [Fact]
    public void BrokenReferenceStyleLink_IsReportedWhereItIsUsed()
    {
        Assert.Equal("chapters/05-broken.md:5:5: link '02-none.md' leads to chapters/02-none.md, which is not a page of the site",
            OneError("See [it][ref] first.\n\n[ref]: 02-none.md"));
    }

    [Fact]
    public void GoodLinks_AreNotErrors()
    {
        Assert.Empty(Fixture.Errors(("chapters/05-broken.md", Chapter(
            "[a](01-faults.md) [b](../commentary/page_alloc.md#__alloc_pages) [c](01-faults.html) [d](https://kernel.org/) " +
            "[e](#broken) [f](../reference/mm/page_alloc.c.md) [g](../index.md) [h](mailto:x@example.org) [i](05-broken.md)"))));
    }
}
