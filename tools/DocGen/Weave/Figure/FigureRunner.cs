using System.Reflection;
using System.Runtime.Loader;

namespace LinuxVm.DocGen.Weave.Figure;

/// <summary>
/// Runs figure methods (public static, no parameters, returning string) from the built figures
/// assembly, so a figure always shows what the port really does. The assembly and its
/// neighbours (the port) load into their own context, once per build.
/// </summary>
public sealed class FigureRunner(string? assemblyPath)
{
    private readonly Dictionary<string, string> _done = new(StringComparer.Ordinal);
    private Assembly? _assembly;

    /// <summary>Time spent inside figure methods (running the port), part of the weave stage.</summary>
    public TimeSpan Elapsed { get; private set; }

    /// <summary>The figures assembly (null when the build has none).</summary>
    public string? AssemblyPath { get; } = assemblyPath;

    /// <summary>Why <paramref name="path"/> is not a loadable .NET assembly, or null when it is one.</summary>
    public static string? AssemblyError(string path)
    {
        try
        {
            AssemblyName.GetAssemblyName(path);
            return null;
        }
        catch (BadImageFormatException)
        {
            return "it has no .NET metadata";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return e.Message;
        }
    }

    /// <summary>Runs <paramref name="run"/> (<c>Namespace.Type.Method</c>); returns its text, or the reason it failed.</summary>
    public (string? Output, string? Error) Run(string run)
    {
        if (_done.TryGetValue(run, out string? cached))
            return (cached, null);
        int dot = run.LastIndexOf('.');
        if (dot <= 0 || dot == run.Length - 1)
            return (null, $"figure run=\"{run}\" must name Namespace.Type.Method");
        if (AssemblyPath is null || !File.Exists(AssemblyPath))
            return (null, $"figure '{run}' cannot run: the figures assembly {AssemblyPath ?? "(none given)"} is not built");
        if (_assembly is null)
        {
            if (AssemblyError(AssemblyPath) is string bad)
                return (null, $"figure '{run}' cannot run: the figures assembly {AssemblyPath} is not a .NET assembly ({bad})");
            _assembly = Load(AssemblyPath);
        }
        string typeName = run[..dot], methodName = run[(dot + 1)..];
        var type = _assembly.GetType(typeName);
        if (type is null)
            return (null, $"unknown figure type '{typeName}' in {Path.GetFileName(AssemblyPath)}");
        var method = type.GetMethod(methodName, BindingFlags.Public | BindingFlags.Static, Type.EmptyTypes);
        if (method is null || method.ReturnType != typeof(string))
            return (null, $"figure '{run}' is not a public static string {methodName}() of {typeName}");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            string output = (string?)method.Invoke(null, null) ?? "";
            _done[run] = output;
            return (output, null);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            return (null, $"figure '{run}' failed: {e.InnerException.GetType().Name}: {e.InnerException.Message}");
        }
        finally
        {
            Elapsed += clock.Elapsed;
        }
    }

    private static Assembly Load(string path)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var context = new AssemblyLoadContext("figures", isCollectible: false);
        context.Resolving += (ctx, name) =>
        {
            string candidate = Path.Combine(dir, name.Name + ".dll");
            return File.Exists(candidate) ? ctx.LoadFromAssemblyPath(candidate) : null;
        };
        return context.LoadFromAssemblyPath(Path.GetFullPath(path));
    }
}
