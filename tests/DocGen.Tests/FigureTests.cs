using LinuxVm.DocGen.Render;
using LinuxVm.DocGen.Weave.Exercises;
using LinuxVm.DocGen.Weave.Figure;

namespace LinuxVm.DocGen.Tests;

/// <summary>
/// A figure shows what its text is (a Markdown table as a table, fenced or plain text as
/// preformatted text, SVG inline), a graph carries no DOT ids as text, and an exercise's comment
/// splits into its question and its reasoning.
/// </summary>
public class FigureTests
{
    private static void NoBlankLine(string html) =>
        Assert.DoesNotContain("\n\n", html.Replace("\r\n", "\n").TrimEnd('\n'), StringComparison.Ordinal);

    [Fact]
    public void MarkdownTable_BecomesATable_InAScrollingBox_WithTheProseAfterIt()
    {
        string html = FigureRenderer.Body("| cache | objsize |\n|-------|--------:|\n| size-32 | 32 |\n\nselect_bad_process chooses **pid 5**.\n");
        Assert.Contains("<div class=\"lvm-figure-table\">", html);
        Assert.Contains("<table>", html);
        Assert.Contains("<td>size-32</td>", html);
        Assert.Contains("<strong>pid 5</strong>", html);
        Assert.DoesNotContain("|", html);
        Assert.DoesNotContain("<pre", html);
        NoBlankLine(html);
    }

    [Fact]
    public void FencedText_BecomesPreformattedText_WithoutItsFences()
    {
        string html = FigureRenderer.Body("```text\nslab 1 at c1000000\n\n  +0 .. +32  colour\n```\n");
        Assert.DoesNotContain("```", html);
        Assert.Contains("<pre class=\"lvm-figure-text\">", html);
        Assert.Equal(3, html.Split("<span class=\"fl\">").Length - 1);
        NoBlankLine(html);
    }

    [Fact]
    public void Svg_IsPutInline_InItsOwnScrollingBox()
    {
        string html = FigureRenderer.Body("<svg width=\"700\" height=\"40\">\n<text x=\"4\" y=\"14\">zone_t</text>\n\n</svg>\n");
        Assert.StartsWith("<div class=\"lvm-figure-svg\">\n<svg", html);
        Assert.EndsWith("</svg>\n</div>\n", html);
        Assert.Contains("<text x=\"4\" y=\"14\">zone_t</text>", html);
        Assert.DoesNotContain("<pre", html);
        NoBlankLine(html);
    }

    [Fact]
    public void PlainText_StaysPreformatted_EvenWithAPipeInIt()
    {
        string html = FigureRenderer.Body("Node 0, zone   Normal | 1 2 3\n\nfree: 12\n");
        Assert.StartsWith("<pre class=\"lvm-figure-text\">", html);
        Assert.Contains("Normal | 1 2 3", html);
        Assert.DoesNotContain("<table", html);
        NoBlankLine(html);
    }

    [Fact]
    public void GraphTitles_AreNoText()
    {
        string svg = "<svg>\n<g id=\"graph0\" class=\"graph\" transform=\"scale(1 1)\">\n<title>rmqueue callees</title>\n" +
                     "<g id=\"node1\" class=\"node\">\n<title>n0</title>\n<text>rmqueue</text>\n</g>\n" +
                     "<g id=\"edge1\" class=\"edge\">\n<title>n0&#45;&gt;n1</title>\n<path d=\"M0,0\"/>\n</g>\n</g>\n</svg>";
        string clean = GraphRenderer.Untitle(svg);
        Assert.DoesNotContain("<title>", clean);
        Assert.Contains("<g id=\"edge1\" class=\"edge\" data-g=\"n0&#45;&gt;n1\">", clean);
        Assert.Contains("<text>rmqueue</text>", clean);
    }

    [Theory]
    [InlineData("Q: Which page comes back? Reasoning: the last one of the block.", "Which page comes back?", "the last one of the block.")]
    [InlineData("Q: where does it land? A: at TASK_UNMAPPED_BASE.", "where does it land?", "at TASK_UNMAPPED_BASE.")]
    [InlineData("What does `int_sqrt(0)` give? It gives 1, never 0.", "What does `int_sqrt(0)` give?", "It gives 1, never 0.")]
    [InlineData("Four processes start. Nice doubles: 51200.", "Four processes start.", "Nice doubles: 51200.")]
    [InlineData("Is it ported?", "Is it ported?", "")]
    public void ExerciseComment_SplitsIntoQuestionAndReasoning(string comment, string ask, string answer)
    {
        var e = new Exercise(3, "C", "M", "tests/Exercises/C.cs", 1, comment);
        Assert.Equal((ask, answer), e.Parts);
    }

    [Fact]
    public void ExerciseText_KeepsKernelNamesLiteral()
    {
        Assert.Equal("the zonelist for \\_\\_GFP\\_HIGHMEM, `__alloc_pages` and 2 \\* 3",
            ExercisesRenderer.Escape("the zonelist for __GFP_HIGHMEM, `__alloc_pages` and 2 * 3"));
    }
}
