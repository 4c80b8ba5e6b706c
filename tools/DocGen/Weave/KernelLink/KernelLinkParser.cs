using Markdig.Helpers;
using Markdig.Parsers;
using Markdig.Syntax;

namespace LinuxVm.DocGen.Weave.KernelLink;

/// <summary>Parses <c>[[kernel:...]]</c>; it runs before Markdig's link parser.</summary>
public sealed class KernelLinkParser : InlineParser
{
    private const string Open = "[[kernel:";

    /// <summary>Creates the parser, triggered by an opening bracket.</summary>
    public KernelLinkParser() => OpeningCharacters = ['['];

    /// <inheritdoc/>
    public override bool Match(InlineProcessor processor, ref StringSlice slice)
    {
        string rest = slice.Text.Substring(slice.Start, slice.End - slice.Start + 1);
        if (!rest.StartsWith(Open, StringComparison.Ordinal))
            return false;
        int close = rest.IndexOf("]]", StringComparison.Ordinal);
        int start = processor.GetSourcePosition(slice.Start, out int line, out int column);
        var inline = new KernelLinkInline { Line = line, Column = column };
        string body;
        if (close < 0)
        {
            inline.Error = "[[kernel: link is not closed with ]]";
            body = rest[Open.Length..];
            close = rest.Length - 2;
        }
        else
        {
            body = rest[Open.Length..close];
        }
        int sep = body.LastIndexOf(':');
        inline.Name = (sep >= 0 ? body[(sep + 1)..] : body).Trim();
        inline.File = sep >= 0 ? body[..sep].Trim() : null;
        if (inline.Error is null && (inline.Name.Length == 0 || !LinuxVm.Mm.KernelNames.IsName(inline.Name)))
            inline.Error = $"[[kernel:{body}]] does not name a kernel identifier; write [[kernel:name]] or [[kernel:mm/file.c:name]]";
        int length = close + 2;
        inline.Span = new SourceSpan(start, start + length - 1);
        slice.Start += length;
        processor.Inline = inline;
        return true;
    }
}
