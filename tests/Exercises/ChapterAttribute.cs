using Xunit.Abstractions;
using Xunit.Sdk;

namespace LinuxVm.Exercises;

/// <summary>
/// Tags an exercise with its chapter number, the NN of the chapter's file chapters/NN-*.md, so that
/// <c>dotnet test --filter Chapter=3</c> runs one chapter's exercises and DocGen can list them.
/// </summary>
[TraitDiscoverer("LinuxVm.Exercises.ChapterDiscoverer", "LinuxVm.Exercises")]
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, AllowMultiple = false)]
public sealed class ChapterAttribute(int number) : Attribute, ITraitAttribute
{
    /// <summary>The chapter number.</summary>
    public int Number { get; } = number;
}

/// <summary>Turns <see cref="ChapterAttribute"/> into the xunit trait <c>Chapter=N</c>.</summary>
public sealed class ChapterDiscoverer : ITraitDiscoverer
{
    /// <inheritdoc/>
    public IEnumerable<KeyValuePair<string, string>> GetTraits(IAttributeInfo traitAttribute)
    {
        int n = (int)traitAttribute.GetConstructorArguments().First();
        yield return new KeyValuePair<string, string>("Chapter", n.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
