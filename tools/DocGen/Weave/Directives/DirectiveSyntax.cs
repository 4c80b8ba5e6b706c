using System.Text.RegularExpressions;

namespace LinuxVm.DocGen.Weave.Directives;

/// <summary>
/// The one syntax every block directive shares: <c>:::name key="value" key="value":::</c> alone on
/// a line. Values are double-quoted and may not contain a double quote.
/// </summary>
public static partial class DirectiveSyntax
{
    /// <summary>The fence that opens and closes a directive.</summary>
    public const string Fence = ":::";

    [GeneratedRegex(@"\G\s+(?<key>[a-z][a-z0-9-]*)=""(?<value>[^""]*)""")]
    private static partial Regex Attribute();

    [GeneratedRegex(@"^:::(?<name>[a-z]+)")]
    private static partial Regex Head();

    /// <summary>The directive name a line starts with, or null when it does not start with <c>:::name</c>.</summary>
    public static string? NameOf(string line)
    {
        var m = Head().Match(line);
        return m.Success ? m.Groups["name"].Value : null;
    }

    /// <summary>
    /// Parses a directive line into <paramref name="block"/>, checking the attribute names against
    /// <paramref name="allowed"/> and <paramref name="required"/>. Errors are recorded on the block.
    /// </summary>
    public static void Parse(string line, DirectiveBlock block, IReadOnlyCollection<string> allowed, IReadOnlyCollection<string> required)
    {
        var head = Head().Match(line);
        if (!head.Success)
        {
            Fail(block, 1, $"malformed directive: expected :::name key=\"value\":::");
            return;
        }
        block.Name = head.Groups["name"].Value;
        int pos = head.Length;
        while (true)
        {
            var m = Attribute().Match(line, pos);
            if (!m.Success)
                break;
            string key = m.Groups["key"].Value;
            if (!allowed.Contains(key))
            {
                Fail(block, m.Groups["key"].Index + 1, $"unknown attribute '{key}' in :::{block.Name}:::; it takes {string.Join(", ", allowed.Select(a => a + "=\"...\""))}");
                return;
            }
            if (!block.Attributes.TryAdd(key, m.Groups["value"].Value))
            {
                Fail(block, m.Groups["key"].Index + 1, $"attribute '{key}' given twice in :::{block.Name}:::");
                return;
            }
            pos = m.Index + m.Length;
        }
        string rest = line[pos..].TrimEnd();
        if (rest != Fence)
        {
            int col = pos + 1 + (line.Length - pos - line[pos..].TrimStart().Length);
            Fail(block, col, rest.EndsWith(Fence, StringComparison.Ordinal)
                ? $"malformed attribute in :::{block.Name}:::; write key=\"value\" pairs separated by spaces"
                : $"directive :::{block.Name} is not closed with ::: on the same line");
            return;
        }
        foreach (string r in required)
        {
            if (!block.Attributes.ContainsKey(r))
            {
                Fail(block, 1, $":::{block.Name}::: needs {r}=\"...\"");
                return;
            }
        }
    }

    /// <summary>Records an error on the block.</summary>
    public static void Fail(DirectiveBlock block, int column, string message)
    {
        block.Error ??= message;
        if (block.ErrorColumn == 0)
            block.ErrorColumn = column;
    }
}
