namespace Fixture;

/// <summary>The fixture's own copy of the port's attribute (DocGen matches it by name).</summary>
[AttributeUsage(AttributeTargets.All, AllowMultiple = true)]
public sealed class LinuxAttribute(string file, string name) : Attribute
{
    /// <summary>Kernel file.</summary>
    public string File { get; } = file;

    /// <summary>Kernel name.</summary>
    public string Name { get; } = name;
}
