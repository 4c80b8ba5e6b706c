using System.Diagnostics;
using LinuxVm.DocGen.Diagnostics;

namespace LinuxVm.DocGen.Site;

/// <summary>
/// Stage 7, Site (second half): runs docfx (the repository's local tool) with warnings as errors
/// into a temporary folder, and only when it succeeds swaps the result in as <c>_site/</c>, so a
/// failed build never leaves a half-built site.
/// </summary>
public static class Docfx
{
    /// <summary>
    /// Builds <paramref name="docfxJson"/> into <paramref name="tempOutput"/> (docfx's -o, in place
    /// of the configuration's own output) and moves it to <paramref name="site"/> (the previous
    /// site goes to <paramref name="old"/> for a moment). With <paramref name="api"/> docfx runs
    /// the configuration's metadata step (the API reference) first; without, only its build.
    /// </summary>
    public static void Build(string root, string docfxJson, bool api, string tempOutput, string site, string old)
    {
        if (Directory.Exists(tempOutput))
            Directory.Delete(tempOutput, recursive: true);
        string[] command = api ? [docfxJson] : ["build", docfxJson];
        var psi = new ProcessStartInfo("dotnet", ["tool", "run", "docfx", "--", .. command, "-o", tempOutput, "--warningsAsErrors"])
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOCFX_NO_TELEMETRY"] = "1";
        using var p = Process.Start(psi)!;
        var output = new List<string>();
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.Add(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.Add(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            var problems = output.Where(l => l.Contains("warning", StringComparison.OrdinalIgnoreCase) || l.Contains("error", StringComparison.OrdinalIgnoreCase)).ToList();
            foreach (var l in problems.Count > 0 ? problems : output)
                Console.Error.WriteLine(l);
            throw DocGenException.At(Path.GetRelativePath(root, docfxJson), 1, 1, $"docfx failed (exit {p.ExitCode}); the site was left as it was");
        }
        if (Directory.Exists(old))
            Directory.Delete(old, recursive: true);
        if (Directory.Exists(site))
            Directory.Move(site, old);
        Directory.Move(tempOutput, site);
        if (Directory.Exists(old))
            Directory.Delete(old, recursive: true);
    }
}
