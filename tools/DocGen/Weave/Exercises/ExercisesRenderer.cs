using System.Text;
using LinuxVm.DocGen.Model;

namespace LinuxVm.DocGen.Weave.Exercises;

/// <summary>
/// Writes a chapter's exercises: each one's question first, its reasoning and answer folded away
/// behind a click (so a reader can think first), and a link to the test that checks it in the
/// source view, with the command that runs it.
/// </summary>
public sealed class ExercisesRenderer : DirectiveRenderer<ExercisesBlock>
{
    /// <inheritdoc/>
    protected override string? Render(WeaveContext context, ExercisesBlock block, Action<string> fail)
    {
        if (!context.Chapters.Contains(block.Chapter))
        {
            fail(context.Chapters.Count == 0
                ? $"chapter=\"{block.Chapter}\" is not a chapter of this site, which has no numbered chapters"
                : $"chapter=\"{block.Chapter}\" is not a chapter of this site; its chapters are {string.Join(", ", context.Chapters)}");
            return null;
        }
        var list = context.Exercises.OfChapter(block.Chapter).ToList();
        var sb = new StringBuilder();
        sb.Append($"<div class=\"lvm-exercises\" data-chapter=\"{block.Chapter}\"></div>\n\n");
        if (list.Count == 0)
        {
            sb.Append($"*No exercises are tagged `[Chapter({block.Chapter})]` yet.*\n");
            return sb.ToString();
        }
        sb.Append($"Each exercise is a test: think the question through, then open the reasoning. `./test.sh --filter Chapter={block.Chapter}` runs them all.\n\n");
        int n = 0;
        foreach (var e in list)
        {
            n++;
            context.LinkedSources.Add(e.File);
            string href = SiteMap.Link(context.Page.SitePath, SiteMap.SourcePage(e.File), "L" + e.Line, html: false);
            var (ask, answer) = e.Parts;
            string id = $"exercise-{block.Chapter}-{n}";
            sb.Append($"<div class=\"lvm-exercise\" id=\"{id}\"></div>\n\n");
            sb.Append($"**{block.Chapter}.{n}** ").Append(ask.Length > 0 ? Escape(ask) : $"What does `{e.Method}` show?").Append("\n\n");
            if (answer.Length > 0)
                sb.Append("<details class=\"lvm-answer\">\n<summary>Reasoning and answer</summary>\n\n").Append(Escape(answer)).Append("\n\n</details>\n\n");
            sb.Append($"<p class=\"lvm-exercise-test\">Checked by the test <a href=\"{href}\" title=\"{e.File}\"><code>{e.Method}</code></a>; run it alone with <code>./test.sh --filter {e.Method}</code>.</p>\n\n");
        }
        return sb.ToString();
    }

    /// <summary>
    /// The text with the Markdown characters outside <c>`code`</c> escaped, so a kernel name such as
    /// __GFP_HIGHMEM in a test's comment reads as written instead of turning into emphasis.
    /// </summary>
    public static string Escape(string text)
    {
        var sb = new StringBuilder();
        bool code = false;
        foreach (char c in text)
        {
            if (c == '`')
                code = !code;
            else if (!code && c is '\\' or '*' or '_' or '[' or ']' or '<' or '>' or '#' or '|')
                sb.Append('\\');
            sb.Append(c);
        }
        return sb.ToString();
    }
}
