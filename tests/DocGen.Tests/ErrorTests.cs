using LinuxVm.DocGen.Diagnostics;
using LinuxVm.DocGen.Pipeline;

namespace LinuxVm.DocGen.Tests;

/// <summary>Every way a build can fail says where, as file:line:column: message, and changes nothing.</summary>
/// <remarks>In the "Console" collection: one test captures the process-wide error stream, as CommandLineTests do.</remarks>
[Collection("Console")]
public class ErrorTests
{
    private static string Chapter(string body) => "# Broken\n\nSome prose.\n\n" + body + "\n";

    private static string OneError(string chapterBody)
    {
        var errors = Fixture.Errors(("chapters/05-broken.md", Chapter(chapterBody)));
        return Assert.Single(errors);
    }

    [Fact]
    public void UnknownKernelName_IsReportedWithSuggestion()
    {
        Assert.Equal("chapters/05-broken.md:5:1: unknown kernel name 'rmqeue'; did you mean 'rmqueue'?",
            OneError(":::snippet kernel=\"rmqeue\":::"));
    }

    [Fact]
    public void KernelNameInWrongFile_SaysWhereItIsPorted()
    {
        Assert.Equal("chapters/05-broken.md:5:1: kernel name 'rmqueue' is not ported from mm/memory.c; it is ported from mm/page_alloc.c",
            OneError(":::snippet kernel=\"rmqueue\" file=\"mm/memory.c\":::"));
    }

    [Fact]
    public void AmbiguousKernelName_AsksForFile()
    {
        // Two files define the same name: the directive must say which.
        string extra = "namespace Fixture;\n/// <summary>x</summary>\npublic static class Dup\n{\n    /// <summary>y</summary>\n    [Linux(\"mm/memory.c\", \"expand\")]\n    public static void Expand() { }\n}\n";
        var errors = Fixture.Errors(("src/Fixture/Dup.cs", extra), ("chapters/05-broken.md", Chapter(":::callgraph kernel=\"expand\":::")));
        Assert.Equal("chapters/05-broken.md:5:1: ambiguous kernel name 'expand': it is ported from mm/memory.c (Dup.Expand) and mm/page_alloc.c (Alloc.Expand); add file=\"...\"", Assert.Single(errors));
    }

    [Fact]
    public void AmbiguousCSharpName_AsksForParameters()
    {
        Assert.StartsWith("chapters/05-broken.md:5:1: ambiguous C# name 'Alloc.Twice': ",
            OneError(":::snippet csharp=\"Alloc.Twice\":::"));
    }

    [Fact]
    public void CSharpNameWithParameters_PicksOneOverload()
    {
        Assert.Empty(Fixture.Errors(("chapters/05-broken.md", Chapter(":::snippet csharp=\"Alloc.Twice(long)\":::"))));
    }

    [Fact]
    public void UnknownCSharpName_IsReported()
    {
        Assert.Equal("chapters/05-broken.md:5:1: unknown C# symbol 'Alloc.Nothing'", OneError(":::snippet csharp=\"Alloc.Nothing\":::"));
    }

    [Fact]
    public void UnclosedDirective_IsMalformed()
    {
        Assert.Equal("chapters/05-broken.md:5:27: directive :::snippet is not closed with ::: on the same line",
            OneError(":::snippet kernel=\"expand\""));
    }

    [Fact]
    public void UnquotedAttribute_IsMalformed()
    {
        Assert.Equal("chapters/05-broken.md:5:12: malformed attribute in :::snippet:::; write key=\"value\" pairs separated by spaces",
            OneError(":::snippet kernel=expand:::"));
    }

    [Fact]
    public void UnknownDirective_ListsTheKnownOnes()
    {
        Assert.Equal("chapters/05-broken.md:5:1: unknown directive ':::snipet'; the directives are :::snippet, :::callgraph, :::figure, :::exercises",
            OneError(":::snipet kernel=\"expand\":::"));
    }

    [Fact]
    public void UnknownAttribute_IsReportedAtItsColumn()
    {
        Assert.Equal("chapters/05-broken.md:5:28: unknown attribute 'depth' in :::snippet:::; it takes kernel=\"...\", file=\"...\", csharp=\"...\", part=\"...\"",
            OneError(":::snippet kernel=\"expand\" depth=\"2\":::"));
    }

    [Fact]
    public void BadDepth_IsRejected()
    {
        Assert.Equal("chapters/05-broken.md:5:1: depth=\"9\" must be a number from 1 to 6",
            OneError(":::callgraph kernel=\"expand\" depth=\"9\":::"));
    }

    [Fact]
    public void CallgraphOfAStruct_IsNotAFunction()
    {
        Assert.Equal("chapters/05-broken.md:5:1: struct page is not a ported function, so it has no call graph",
            OneError(":::callgraph kernel=\"struct page\":::"));
    }

    [Fact]
    public void MissingPart_ListsTheParts()
    {
        Assert.Equal("chapters/05-broken.md:5:1: Rmqueue has no part 'merge'; its parts are split",
            OneError(":::snippet kernel=\"rmqueue\" part=\"merge\":::"));
    }

    [Fact]
    public void FailingFigure_StopsTheBuild()
    {
        Assert.Equal("chapters/05-broken.md:5:1: figure 'LinuxVm.DocGen.Tests.FixtureFigures.Throws' failed: InvalidOperationException: the machine ran out of memory",
            OneError(":::figure run=\"LinuxVm.DocGen.Tests.FixtureFigures.Throws\":::"));
    }

    [Fact]
    public void FigureThatIsNoFigure_IsRejected()
    {
        Assert.Equal("chapters/05-broken.md:5:1: figure 'LinuxVm.DocGen.Tests.FixtureFigures.Takes' is not a public static string Takes() of LinuxVm.DocGen.Tests.FixtureFigures",
            OneError(":::figure run=\"LinuxVm.DocGen.Tests.FixtureFigures.Takes\":::"));
    }

    [Fact]
    public void FigureMissingRun_IsRejected()
    {
        Assert.Equal("chapters/05-broken.md:5:1: :::figure::: needs run=\"...\"", OneError(":::figure caption=\"x\":::"));
    }

    [Fact]
    public void UnknownInlineLink_IsReportedAtItsColumn()
    {
        Assert.Equal("chapters/05-broken.md:5:9: unknown kernel name 'rmqeue'; did you mean 'rmqueue'?",
            OneError("We call [[kernel:rmqeue]] here."));
    }

    [Fact]
    public void MalformedInlineLink_IsReported()
    {
        Assert.Equal("chapters/05-broken.md:5:9: [[kernel:not a name]] does not name a kernel identifier; write [[kernel:name]] or [[kernel:mm/file.c:name]]",
            OneError("We call [[kernel:not a name]] here."));
    }

    [Fact]
    public void DirectiveInsideAQuote_IsStillChecked()
    {
        Assert.Equal("chapters/05-broken.md:5:3: unknown kernel name 'nothing_like_this'",
            OneError("> :::snippet kernel=\"nothing_like_this\":::"));
    }

    [Fact]
    public void SeveralErrors_AreAllReported()
    {
        var errors = Fixture.Errors(("chapters/05-broken.md", Chapter(":::snippet kernel=\"a_one\":::\n\n:::snippet kernel=\"b_two\":::")));
        Assert.Equal(2, errors.Count);
        Assert.StartsWith("chapters/05-broken.md:7:1: unknown kernel name 'b_two'", errors[1]);
    }

    [Fact]
    public void CompileError_StopsLoad()
    {
        var errors = Fixture.Errors(("src/Fixture/Bad.cs", "namespace Fixture;\npublic class Bad { int X() => \"no\"; }\n"));
        Assert.Equal("src/Fixture/Bad.cs:2:31: error CS0029: Cannot implicitly convert type 'string' to 'int'", Assert.Single(errors));
    }

    [Fact]
    public void MalformedLinuxAttribute_IsRejected()
    {
        var errors = Fixture.Errors(("src/Fixture/Bad.cs", "namespace Fixture;\npublic static class Bad\n{\n    [Linux(\"page_alloc\", \"x\")]\n    public static void X() { }\n    [Linux(\"mm/a.c\", \"two words\")]\n    public static void Y() { }\n}\n"));
        Assert.Equal([
            "src/Fixture/Bad.cs:4:6: [Linux] file 'page_alloc' is not a path in the kernel tree such as \"mm/page_alloc.c\"",
            "src/Fixture/Bad.cs:6:6: [Linux] name 'two words' is not a kernel identifier (a C name, \"struct x\", or \"struct_name.field\")",
        ], errors);
    }

    [Fact]
    public void KernelNameClaimedTwice_IsRejected()
    {
        var errors = Fixture.Errors(("src/Fixture/Bad.cs", "namespace Fixture;\npublic static class Bad\n{\n    [Linux(\"mm/page_alloc.c\", \"rmqueue\")]\n    public static void X() { }\n}\n"));
        Assert.Equal("src/Fixture/Bad.cs:4:6: kernel name 'rmqueue' of mm/page_alloc.c is already given to Alloc.Rmqueue at src/Fixture/Alloc.cs:24; each (file, name) ports to one symbol",
            Assert.Single(errors));
    }

    [Fact]
    public void FailedBuild_LeavesTheSiteAndTheDocfxProjectAsTheyWere()
    {
        string dir = Fixture.Copy(("chapters/05-broken.md", Chapter(":::snippet kernel=\"rmqeue\":::")));
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "_site"));
            File.WriteAllText(Path.Combine(dir, "_site", "index.html"), "previous site");
            var o = Fixture.Options(dir);
            o.NoDocfx = false;
            Assert.Throws<DocGenException>(() => Build.Run(o));
            Assert.Equal("previous site", File.ReadAllText(Path.Combine(dir, "_site", "index.html")));
            Assert.False(Directory.Exists(Path.Combine(dir, ".docgen", "site-src")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void CommandLine_PrintsErrorsAndExitsNonZero()
    {
        string dir = Fixture.Copy(("chapters/05-broken.md", Chapter(":::snippet kernel=\"rmqeue\":::")));
        var saved = Console.Error;
        var err = new StringWriter();
        try
        {
            Console.SetError(err);
            int rc = Program.Main(["build", "--root", dir, "--no-docfx", "--no-api", "--figures", typeof(FixtureFigures).Assembly.Location]);
            Assert.Equal(1, rc);
            Assert.Contains("chapters/05-broken.md:5:1: unknown kernel name 'rmqeue'", err.ToString());
        }
        finally
        {
            Console.SetError(saved);
            Directory.Delete(dir, recursive: true);
        }
    }
}
