using LinuxVm.DocGen.Diagnostics;
using LinuxVm.DocGen.Weave.Figure;

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
    public string FiguresPath => Full(Figures ?? DefaultFigures);

    /// <summary>The default figures assembly, relative to the root.</summary>
    public string DefaultFigures => $"tools/Figures/bin/{Configuration}/net10.0/LinuxVm.Figures.dll";

    /// <summary>
    /// Throws <see cref="UsageException"/> when an option names something DocGen cannot use: a
    /// root without chapters/, a source or exercises folder that is not there, a figures file that
    /// is not a .NET assembly. Runs before any stage, so a bad option writes nothing.
    /// </summary>
    public void Check()
    {
        string root = Full(".");
        if (!Directory.Exists(root))
            throw new UsageException($"--root '{Root}' is not a folder ({root}); give the repository root");
        if (!Directory.Exists(Path.Combine(root, "chapters")))
            throw new UsageException($"--root '{Root}' has no chapters/ folder ({Path.Combine(root, "chapters")}); give the repository root, where chapters/ and commentary/ are");
        foreach (var (option, path) in new[] { ("--work", Work), ("--site", Site) })
            if (File.Exists(Full(path)))
                throw new UsageException($"{option} '{path}' is a file ({Full(path)}); give a folder DocGen may replace");
        foreach (string dir in Sources)
            if (!Directory.Exists(Full(dir)))
                throw new UsageException($"--src '{dir}' is not a folder ({Full(dir)}); give a folder of the port, relative to --root");
        foreach (string dir in Exercises)
            if (!Directory.Exists(Full(dir)))
                throw new UsageException($"--exercises '{dir}' is not a folder ({Full(dir)}); give a folder of exercise tests, relative to --root");
        string what = Figures is null ? $"the figures assembly '{DefaultFigures}' (the default of --figures)" : $"--figures '{Figures}'";
        if (Figures is not null && !File.Exists(FiguresPath))
            throw new UsageException($"{what} does not exist ({FiguresPath}); give the built figures assembly, e.g. {DefaultFigures}");
        if (File.Exists(FiguresPath) && FigureRunner.AssemblyError(FiguresPath) is string error)
            throw new UsageException($"{what} is not a .NET assembly ({error}); give the built figures assembly, e.g. {DefaultFigures}");
    }
}
