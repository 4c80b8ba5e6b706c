using LinuxVm.DocGen.Index;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LinuxVm.DocGen.Weave.Exercises;

/// <summary>One exercise: a test tagged <c>[Chapter(N)]</c>.</summary>
/// <param name="Chapter">The chapter number.</param>
/// <param name="Class">The test class.</param>
/// <param name="Method">The test method, named for what it shows.</param>
/// <param name="File">Repository-relative source file.</param>
/// <param name="Line">1-based line of the method's name.</param>
/// <param name="Question">The question from its XML doc summary or leading comment ("" when none).</param>
public sealed record Exercise(int Chapter, string Class, string Method, string File, int Line, string Question)
{
    /// <summary>
    /// The question and its reasoning, split where the comment says so: <c>Q: ... Reasoning: ...</c>
    /// or <c>Q: ... A: ...</c>; a comment without the markers splits after its first question
    /// mark, else after its first sentence. Either part may be "".
    /// </summary>
    public (string Ask, string Answer) Parts
    {
        get
        {
            string q = Question.Trim();
            bool marked = q.StartsWith("Q:", StringComparison.Ordinal);
            if (marked)
                q = q[2..].TrimStart();
            foreach (string marker in marked ? new[] { "Reasoning:", " A:" } : ["Reasoning:"])
            {
                int i = q.IndexOf(marker, StringComparison.Ordinal);
                if (i > 0)
                    return (q[..i].Trim(), q[(i + marker.Length)..].Trim());
            }
            int end = SentenceEnd(q, '?');
            if (end < 0)
                end = SentenceEnd(q, '.');
            return end < 0 ? (q, "") : (q[..(end + 1)].Trim(), q[(end + 1)..].Trim());
        }
    }

    // The first `mark` outside a `code span` that ends a sentence (followed by a space), or -1.
    private static int SentenceEnd(string s, char mark)
    {
        bool code = false;
        for (int i = 0; i < s.Length - 1; i++)
        {
            if (s[i] == '`')
                code = !code;
            else if (!code && s[i] == mark && s[i + 1] == ' ')
                return i;
        }
        return -1;
    }
}

/// <summary>
/// Finds the exercises by reading the test sources with Roslyn (syntax only, no build needed): a
/// <c>[Fact]</c> or <c>[Theory]</c> with <c>[Chapter(N)]</c> on itself or on its class.
/// </summary>
public sealed class ExerciseCatalog
{
    private readonly List<Exercise> _all = [];

    /// <summary>Scans <paramref name="dirs"/> (relative to <paramref name="root"/>).</summary>
    public ExerciseCatalog(string root, IEnumerable<string> dirs)
    {
        foreach (string dir in dirs)
        {
            string full = Path.Combine(root, dir);
            if (!Directory.Exists(full))
                throw new Diagnostics.UsageException($"--exercises '{dir}' is not a folder ({Path.GetFullPath(full)}); give a folder of exercise tests, relative to --root");
            foreach (string file in Directory.EnumerateFiles(full, "*.cs", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                string rel = Path.GetRelativePath(root, file).Replace('\\', '/');
                if (rel.Split('/').Any(p => p is "bin" or "obj"))
                    continue;
                var tree = CSharpSyntaxTree.ParseText(File.ReadAllText(file), new CSharpParseOptions(LanguageVersion.Preview, DocumentationMode.Parse), rel);
                Scan(tree, rel);
            }
        }
    }

    /// <summary>Every exercise, by file and line.</summary>
    public IReadOnlyList<Exercise> All => _all;

    /// <summary>The exercises of chapter <paramref name="n"/>.</summary>
    public IEnumerable<Exercise> OfChapter(int n) => _all.Where(e => e.Chapter == n);

    private void Scan(SyntaxTree tree, string rel)
    {
        foreach (var method in tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>())
        {
            if (!HasAttribute(method.AttributeLists, "Fact", "Theory"))
                continue;
            var cls = method.Parent as TypeDeclarationSyntax;
            int? chapter = ChapterOf(method.AttributeLists) ?? (cls is null ? null : ChapterOf(cls.AttributeLists));
            if (chapter is null)
                continue;
            int line = method.Identifier.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
            _all.Add(new Exercise(chapter.Value, cls?.Identifier.Text ?? "", method.Identifier.Text, rel, line, Question(method)));
        }
    }

    private static bool HasAttribute(SyntaxList<AttributeListSyntax> lists, params string[] names) =>
        lists.SelectMany(l => l.Attributes).Any(a => names.Any(n => Simple(a.Name) == n || Simple(a.Name) == n + "Attribute"));

    private static string Simple(NameSyntax name) => name switch
    {
        QualifiedNameSyntax q => q.Right.Identifier.Text,
        SimpleNameSyntax s => s.Identifier.Text,
        _ => name.ToString(),
    };

    private static int? ChapterOf(SyntaxList<AttributeListSyntax> lists)
    {
        foreach (var a in lists.SelectMany(l => l.Attributes))
        {
            if (Simple(a.Name) is "Chapter" or "ChapterAttribute" &&
                a.ArgumentList?.Arguments.FirstOrDefault()?.Expression is LiteralExpressionSyntax { Token.Value: int n })
                return n;
        }
        return null;
    }

    private static string Question(MethodDeclarationSyntax method)
    {
        var trivia = method.GetLeadingTrivia();
        var doc = trivia.Select(t => t.GetStructure()).OfType<DocumentationCommentTriviaSyntax>().FirstOrDefault();
        if (doc is not null)
        {
            try
            {
                var xml = System.Xml.Linq.XElement.Parse("<doc>" + string.Concat(doc.Content.Select(c => c.ToFullString()))
                    .Replace("///", "", StringComparison.Ordinal) + "</doc>");
                var summary = xml.Element("summary") ?? xml;
                string text = Indexer.DocText(summary);
                if (text.Length > 0)
                    return text;
            }
            catch (System.Xml.XmlException)
            {
                // fall through to line comments
            }
        }
        var comments = trivia.Where(t => t.IsKind(SyntaxKind.SingleLineCommentTrivia))
            .Select(t => t.ToString().TrimStart('/').Trim()).Where(s => s.Length > 0);
        return string.Join(' ', comments);
    }
}
