using LinuxVm.DocGen.Weave.Directives;

namespace LinuxVm.DocGen.Weave.Exercises;

/// <summary>Parses <c>:::exercises ...:::</c> lines.</summary>
public sealed class ExercisesParser : DirectiveParser<ExercisesBlock>
{
    /// <inheritdoc/>
    protected override string Name => "exercises";

    /// <inheritdoc/>
    protected override IReadOnlyCollection<string> Allowed => ["chapter"];

    /// <inheritdoc/>
    protected override IReadOnlyCollection<string> Required => ["chapter"];

    /// <inheritdoc/>
    protected override ExercisesBlock Create() => new(this);

    /// <inheritdoc/>
    protected override void Validate(ExercisesBlock block)
    {
        if (!int.TryParse(block.Get("chapter"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n) || n > 99)
            DirectiveSyntax.Fail(block, 1, $"chapter=\"{block.Get("chapter")}\" must be a chapter number");
    }
}
