namespace LinuxVm.DocGen.Pipeline;

/// <summary>What to build and where; every path is relative to <see cref="Root"/> unless absolute.</summary>
public sealed class BuildOptions
{
    /// <summary>The repository root.</summary>
    public string Root { get; set; } = ".";

    /// <summary>Folders of the port to load.</summary>
    public List<string> Sources { get; set; } = ["src"];

    /// <summary>Folders holding exercises.</summary>
    public List<string> Exercises { get; set; } = ["tests/Exercises"];

    /// <summary>The figures assembly; null picks tools/Figures/bin/&lt;configuration&gt;/net10.0/LinuxVm.Figures.dll.</summary>
    public string? Figures { get; set; }

    /// <summary>Build configuration whose outputs to use.</summary>
    public string Configuration { get; set; } = "Release";

    /// <summary>DocGen's work folder (docfx project, graph cache, temporary output).</summary>
    public string Work { get; set; } = ".docgen";

    /// <summary>Where the finished site goes.</summary>
    public string Site { get; set; } = "_site";

    /// <summary>Stop after writing the docfx project (no docfx run).</summary>
    public bool NoDocfx { get; set; }

    /// <summary>Build the API reference from the port's assemblies.</summary>
    public bool Api { get; set; } = true;

    /// <summary>The table of where each kernel identifier is in the original C (see <c>scripts/kernel-lines.py</c>); a missing file means no line links.</summary>
    public string KernelLines { get; set; } = "tools/DocGen/kernel-lines.tsv";

    /// <summary>An absolute path under <see cref="Root"/>.</summary>
    public string Full(string path) => Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(Root, path));

    /// <summary>The figures assembly path.</summary>
    public string FiguresPath => Full(Figures ?? $"tools/Figures/bin/{Configuration}/net10.0/LinuxVm.Figures.dll");
}
