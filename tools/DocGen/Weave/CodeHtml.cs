using System.Net;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace LinuxVm.DocGen.Weave;

/// <summary>
/// Turns a range of lines of a C# syntax tree into highlighted HTML lines from Roslyn's own tokens
/// (no client-side highlighter, so the site works offline and identically everywhere). With a
/// semantic model, names of ported functions become links to their pages.
/// </summary>
public static class CodeHtml
{
    /// <summary>A link for a name in the code: where it goes and what its tooltip says.</summary>
    public delegate (string Href, string Title)? LinkFor(ISymbol symbol);

    /// <summary>The HTML of lines <paramref name="firstLine"/> to <paramref name="lastLine"/> (0-based, inclusive), without line breaks.</summary>
    /// <param name="tree">The file.</param>
    /// <param name="firstLine">The first line shown.</param>
    /// <param name="lastLine">The last line shown.</param>
    /// <param name="model">The semantic model, needed for any link.</param>
    /// <param name="link">Where a name that uses a symbol links to.</param>
    /// <param name="declared">Where the name in a symbol's own declaration links to (none when null).</param>
    public static List<string> Lines(SyntaxTree tree, int firstLine, int lastLine, SemanticModel? model = null, LinkFor? link = null, LinkFor? declared = null)
    {
        var text = tree.GetText();
        var span = TextSpan.FromBounds(text.Lines[firstLine].Start, text.Lines[lastLine].EndIncludingLineBreak);
        var segments = new List<(string Text, string? Css, string? Href, string? Title)>();
        int pos = span.Start;
        void Emit(int start, int end, string? css, string? href = null, string? title = null)
        {
            start = Math.Max(start, span.Start);
            end = Math.Min(end, span.End);
            if (end <= start)
                return;
            if (start > pos)
                segments.Add((text.ToString(TextSpan.FromBounds(pos, start)), null, null, null));
            segments.Add((text.ToString(TextSpan.FromBounds(start, end)), css, href, title));
            pos = end;
        }
        foreach (var token in tree.GetRoot().DescendantTokens(span, descendIntoTrivia: false))
        {
            foreach (var t in token.LeadingTrivia)
                Trivia(t, Emit);
            (string? css, string? href, string? title) = Classify(token, model, link, declared);
            Emit(token.Span.Start, token.Span.End, css, href, title);
            foreach (var t in token.TrailingTrivia)
                Trivia(t, Emit);
        }
        if (pos < span.End)
            segments.Add((text.ToString(TextSpan.FromBounds(pos, span.End)), null, null, null));

        // Split segments into lines, closing and reopening spans at line ends.
        var lines = new List<string>();
        var sb = new StringBuilder();
        foreach (var (segText, css, href, title) in segments)
        {
            string[] parts = segText.Replace("\r\n", "\n").Split('\n');
            for (int i = 0; i < parts.Length; i++)
            {
                if (i > 0)
                {
                    lines.Add(sb.ToString());
                    sb.Clear();
                }
                if (parts[i].Length == 0)
                    continue;
                string enc = WebUtility.HtmlEncode(parts[i]);
                if (href is not null)
                    sb.Append($"<a class=\"{css ?? "n"}\" href=\"{WebUtility.HtmlEncode(href)}\" title=\"{WebUtility.HtmlEncode(title ?? "")}\">{enc}</a>");
                else if (css is not null)
                    sb.Append($"<span class=\"{css}\">{enc}</span>");
                else
                    sb.Append(enc);
            }
        }
        if (sb.Length > 0)
            lines.Add(sb.ToString());
        int want = lastLine - firstLine + 1;
        while (lines.Count < want)
            lines.Add("");
        if (lines.Count > want)
            lines.RemoveRange(want, lines.Count - want);
        return lines;
    }

    private static void Trivia(SyntaxTrivia t, Action<int, int, string?, string?, string?> emit)
    {
        string? css = t.Kind() switch
        {
            SyntaxKind.SingleLineCommentTrivia or SyntaxKind.MultiLineCommentTrivia => "c",
            SyntaxKind.SingleLineDocumentationCommentTrivia or SyntaxKind.MultiLineDocumentationCommentTrivia => "c",
            SyntaxKind.RegionDirectiveTrivia or SyntaxKind.EndRegionDirectiveTrivia or SyntaxKind.IfDirectiveTrivia
                or SyntaxKind.EndIfDirectiveTrivia or SyntaxKind.ElseDirectiveTrivia or SyntaxKind.PragmaWarningDirectiveTrivia => "p",
            SyntaxKind.DisabledTextTrivia => "c",
            _ => null,
        };
        if (css is not null)
            emit(t.FullSpan.Start, t.FullSpan.End, css, null, null);
    }

    private static (string? Css, string? Href, string? Title) Classify(SyntaxToken token, SemanticModel? model, LinkFor? link, LinkFor? declared)
    {
        var kind = token.Kind();
        if (SyntaxFacts.IsKeywordKind(kind))
            return ("k", null, null);
        switch (kind)
        {
            case SyntaxKind.StringLiteralToken or SyntaxKind.CharacterLiteralToken or SyntaxKind.InterpolatedStringStartToken
                or SyntaxKind.InterpolatedStringEndToken or SyntaxKind.InterpolatedStringTextToken or SyntaxKind.InterpolatedStringToken
                or SyntaxKind.Utf8StringLiteralToken or SyntaxKind.SingleLineRawStringLiteralToken or SyntaxKind.MultiLineRawStringLiteralToken
                or SyntaxKind.InterpolatedRawStringEndToken or SyntaxKind.InterpolatedSingleLineRawStringStartToken or SyntaxKind.InterpolatedMultiLineRawStringStartToken:
                return ("s", null, null);
            case SyntaxKind.NumericLiteralToken:
                return ("m", null, null);
            case SyntaxKind.IdentifierToken:
                break;
            default:
                return (null, null, null);
        }
        if (SyntaxFacts.IsContextualKeyword(SyntaxFacts.GetContextualKeywordKind(token.Text)) && token.Text is "var" or "value" or "nameof" or "get" or "set" or "init" or "record")
            return ("k", null, null);
        if (model is null || token.Parent is null)
            return (null, null, null);
        var own = model.GetDeclaredSymbol(token.Parent);
        var symbol = own ?? model.GetSymbolInfo(token.Parent).Symbol;
        if (symbol is null && token.Parent.Parent is { } gp)
            symbol = model.GetSymbolInfo(gp).Symbol;
        if (symbol is null)
            return (null, null, null);
        string? css = symbol switch
        {
            ITypeSymbol or IMethodSymbol { MethodKind: MethodKind.Constructor } => "t",
            IMethodSymbol => "f",
            _ => null,
        };
        // The name in a declaration is the declared symbol's own (and not, say, a type named in it).
        bool declaring = own is not null && DeclaresHere(token, own);
        if ((declaring ? declared : own is null ? link : null)?.Invoke(symbol) is { } l)
            return (css ?? "n", l.Href, l.Title);
        return (css, null, null);
    }

    private static bool DeclaresHere(SyntaxToken token, ISymbol symbol) =>
        symbol.Locations.Any(l => l.IsInSource && l.SourceTree == token.SyntaxTree && l.SourceSpan == token.Span);
}
