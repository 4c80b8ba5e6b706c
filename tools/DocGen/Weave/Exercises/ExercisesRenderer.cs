using System.Text;

namespace LinuxVm.DocGen.Weave.Exercises;

/// <summary>Writes a chapter's exercises as a Markdown list, each linked to its test in the source view.</summary>
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
        sb.Append($"Run them with `./test.sh --filter Chapter={block.Chapter}`; each one states its question and reasoning in its comment.\n\n");
        foreach (var e in list)
        {
            context.LinkedSources.Add(e.File);
            string href = SiteMap.Link(context.Page.SitePath, SiteMap.SourcePage(e.File), "L" + e.Line, html: false);
            sb.Append($"- [`{e.Method}`]({href})");
            if (e.Question.Length > 0)
                sb.Append(" \u2014 ").Append(e.Question.Replace("\n", " "));
            sb.Append('\n');
        }
        return sb.ToString();
    }
}
