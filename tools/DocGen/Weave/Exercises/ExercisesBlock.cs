using LinuxVm.DocGen.Weave.Directives;
using Markdig.Parsers;

namespace LinuxVm.DocGen.Weave.Exercises;

/// <summary><c>:::exercises chapter="3":::</c>: the chapter's exercises, each linked to its test's source.</summary>
public sealed class ExercisesBlock(BlockParser parser) : DirectiveBlock(parser), IWovenNode
{
    /// <summary>The chapter number.</summary>
    public int Chapter => int.Parse(Get("chapter") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
}
