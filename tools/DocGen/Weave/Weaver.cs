using System.Text;
using System.Text.RegularExpressions;
using LinuxVm.DocGen.Model;
using LinuxVm.DocGen.Weave.Callgraph;
using LinuxVm.DocGen.Weave.Directives;
using LinuxVm.DocGen.Weave.Exercises;
using LinuxVm.DocGen.Weave.Figure;
using LinuxVm.DocGen.Weave.KernelLink;
using LinuxVm.DocGen.Weave.Snippet;
using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace LinuxVm.DocGen.Weave;

/// <summary>
/// Stage 4, Weave: reads chapters/ and commentary/, expands the directives through the Markdig
/// extensions into Markdown and HTML for docfx, lays commentary out prose-beside-code, and
/// records which identifiers each page mentions.
/// </summary>
public static partial class Weaver
{
    /// <summary>The Markdig pipeline with every directive.</summary>
    public static MarkdownPipeline Pipeline()
    {
        var builder = new MarkdownPipelineBuilder().UsePreciseSourceLocation();
        builder.Extensions.AddIfNotAlready<SnippetExtension>();
        builder.Extensions.AddIfNotAlready<CallgraphExtension>();
        builder.Extensions.AddIfNotAlready<FigureExtension>();
        builder.Extensions.AddIfNotAlready<ExercisesExtension>();
        builder.Extensions.AddIfNotAlready<KernelLinkExtension>();
        builder.Extensions.AddIfNotAlready<InvalidDirectiveExtension>();
        return builder.Build();
    }

    /// <summary>Reads the chapter and commentary pages under <paramref name="root"/>.</summary>
    public static List<Page> ReadPages(string root)
    {
        var pages = new List<Page>();
        foreach (var (dir, kind) in new[] { ("chapters", PageKind.Chapter), ("commentary", PageKind.Commentary) })
        {
            string full = Path.Combine(root, dir);
            if (!Directory.Exists(full))
                continue;
            foreach (string file in Directory.EnumerateFiles(full, "*.md").Order(StringComparer.Ordinal))
            {
                string name = Path.GetFileName(file);
                var m = ChapterNumber().Match(name);
                pages.Add(new Page
                {
                    Source = $"{dir}/{name}",
                    SitePath = $"{dir}/{name}",
                    Kind = kind,
                    Text = File.ReadAllText(file).Replace("\r\n", "\n"),
                    Chapter = kind == PageKind.Chapter && m.Success ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null,
                });
            }
        }
        return pages;
    }

    /// <summary>Weaves <paramref name="pages"/> in place; errors collect in the context.</summary>
    public static void Weave(WeaveContext context, IReadOnlyList<Page> pages)
    {
        var pipeline = Pipeline();
        foreach (var page in pages)
            if (page.Chapter is int n)
                context.Chapters.Add(n);
        foreach (var page in pages)
        {
            page.Document = Markdown.Parse(page.Text, pipeline);
            page.Title = TitleOf(page.Document, page.Text) ?? Path.GetFileNameWithoutExtension(page.SitePath);
        }

        // A commentary page that shows a function whole is that function's home.
        foreach (var page in pages.Where(p => p.Kind == PageKind.Commentary))
        {
            foreach (var s in page.Document!.Descendants<SnippetBlock>())
            {
                if (s.Error is not null || s.Part is not null)
                    continue;
                if (context.Resolve(s.Kernel, s.File, s.CSharp, _ => { }) is var (symbol, _) && context.Graph.Of(symbol) is { } node)
                    context.Map.SetCommentaryHome(node, page.SitePath);
            }
        }

        foreach (var page in pages)
        {
            context.Page = page;
            var renderer = new WeaveRenderer(context);
            pipeline.Setup(renderer);
            renderer.Prepare(page.Document!, page.Text);
            foreach (var code in page.Document!.Descendants<CodeInline>())
                foreach (var e in context.Index.ByName(code.Content))
                    context.Mention(e);
            page.Woven = page.Kind == PageKind.Commentary ? Docco(page, renderer, OriginalC(context, page)) : renderer.Slice(0, page.Text.Length);
        }
    }

    /// <summary>The kernel file a commentary page walks through: the one its title names ("mm/page_alloc.c"), else the one named like the page.</summary>
    public static string? KernelFileOf(WeaveContext context, Page page)
    {
        var files = context.Index.All.Select(e => e.File).ToHashSet(StringComparer.Ordinal);
        string first = page.Title.Split(' ', 2)[0];
        if (files.Contains(first))
            return first;
        string stem = Path.GetFileNameWithoutExtension(page.SitePath);
        return files.Where(f => Path.GetFileNameWithoutExtension(f) == stem && f.EndsWith(".c", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).FirstOrDefault();
    }

    // The line under a commentary page's introduction that links to the whole C file.
    private static string? OriginalC(WeaveContext context, Page page) => KernelFileOf(context, page) is { } file
        ? $"<p class=\"lvm-original-c\">The original C: <a href=\"{Index.KernelLines.FileUrl(file)}\">{file}</a> of Linux 2.4.20 (commit 426c5ed of sndrzt/linux-2.4.20.lite); each function's header links to its line there.</p>"
        : null;

    /// <summary>The text of the first level-1 heading.</summary>
    public static string? TitleOf(MarkdownDocument doc, string text)
    {
        var h = doc.Descendants<HeadingBlock>().FirstOrDefault(x => x.Level == 1);
        return h?.Inline is null ? null : InlineText(h.Inline).Trim();
    }

    private static string InlineText(ContainerInline inline)
    {
        var sb = new StringBuilder();
        foreach (var i in inline)
        {
            switch (i)
            {
                case LiteralInline l: sb.Append(l.Content.ToString()); break;
                case CodeInline c: sb.Append(c.Content); break;
                case KernelLinkInline k: sb.Append(k.Name); break;
                case ContainerInline c: sb.Append(InlineText(c)); break;
            }
        }
        return sb.ToString();
    }

    /// <summary>
    /// The Docco/Pycco layout: each level-2 section becomes a row with its prose on the left and
    /// its snippets, graphs and figures on the right (stacked on a narrow screen by the CSS).
    /// </summary>
    private static string Docco(Page page, WeaveRenderer renderer, string? afterIntro)
    {
        var doc = page.Document!;
        var sections = new List<List<Block>> { new() };
        foreach (var block in doc)
        {
            if (block is HeadingBlock { Level: 2 })
                sections.Add([]);
            sections[^1].Add(block);
        }
        var sb = new StringBuilder();
        string Text(IEnumerable<Block> blocks) =>
            string.Join("\n\n", blocks.Select(b => renderer.Slice(b.Span.Start, Math.Min(b.Span.End + 1, page.Text.Length)).TrimEnd('\n')));
        foreach (var section in sections)
        {
            if (section.Count == 0)
                continue;
            var code = section.Where(b => b is SnippetBlock or CallgraphBlock or FigureBlock).ToList();
            var prose = section.Where(b => !code.Contains(b)).ToList();
            if (code.Count == 0 || section == sections[0])
            {
                sb.Append(Text(section)).Append("\n\n");
                if (section == sections[0] && afterIntro is not null)
                    sb.Append(afterIntro).Append("\n\n");
                continue;
            }
            sb.Append("<div class=\"lvm-docco\">\n<div class=\"lvm-docco-prose\">\n\n");
            sb.Append(Text(prose)).Append("\n\n");
            sb.Append("</div>\n<div class=\"lvm-docco-code\">\n\n");
            sb.Append(Text(code)).Append("\n\n");
            sb.Append("</div>\n</div>\n\n");
        }
        return sb.ToString().TrimEnd('\n') + "\n";
    }

    [GeneratedRegex(@"^(\d+)-")]
    private static partial Regex ChapterNumber();
}
