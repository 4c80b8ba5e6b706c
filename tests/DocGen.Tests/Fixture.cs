using System.Runtime.CompilerServices;
using LinuxVm.DocGen.Diagnostics;
using LinuxVm.DocGen.Pipeline;

namespace LinuxVm.DocGen.Tests;

/// <summary>Paths of the fixture and helpers to build it, or a copy of it with changes.</summary>
public static class Fixture
{
    /// <summary>The folder of this test project's sources.</summary>
    public static string ProjectDir([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;

    /// <summary>The fixture repository: a small port, chapters, commentary and exercises.</summary>
    public static string Port => Path.Combine(ProjectDir(), "Fixtures", "Port");

    /// <summary>Expected output of the fixture.</summary>
    public static string Expected => Path.Combine(ProjectDir(), "Fixtures", "Expected");

    /// <summary>Set DOCGEN_UPDATE_SNAPSHOTS=1 to rewrite the expected output from what DocGen produces.</summary>
    public static bool Update => Environment.GetEnvironmentVariable("DOCGEN_UPDATE_SNAPSHOTS") == "1";

    /// <summary>Options that build <paramref name="root"/> without docfx.</summary>
    public static BuildOptions Options(string root) => new()
    {
        Root = root,
        Sources = ["src"],
        Exercises = ["tests/Exercises"],
        Figures = typeof(FixtureFigures).Assembly.Location,
        NoDocfx = true,
        Api = false,
        Work = Path.Combine(root, ".docgen"),
    };

    /// <summary>A copy of the fixture in a temporary folder, with <paramref name="files"/> written over it.</summary>
    public static string Copy(params (string Path, string Text)[] files)
    {
        string dir = Path.Combine(Path.GetTempPath(), "docgen-tests", Guid.NewGuid().ToString("N"));
        foreach (string f in Directory.EnumerateFiles(Port, "*", SearchOption.AllDirectories))
        {
            string dest = Path.Combine(dir, Path.GetRelativePath(Port, f));
            Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
            File.Copy(f, dest);
        }
        foreach (var (path, text) in files)
        {
            string dest = Path.Combine(dir, path);
            Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
            File.WriteAllText(dest, text);
        }
        return dir;
    }

    /// <summary>The errors of building a copy of the fixture with <paramref name="files"/> changed (none: empty list).</summary>
    public static IReadOnlyList<string> Errors(params (string Path, string Text)[] files)
    {
        string dir = Copy(files);
        try
        {
            Build.Generate(Options(dir));
            return [];
        }
        catch (DocGenException e)
        {
            return e.Errors.Select(x => x.ToString()).ToList();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
