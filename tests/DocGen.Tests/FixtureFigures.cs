namespace LinuxVm.DocGen.Tests;

/// <summary>Figure methods the fixture chapters run (this test assembly stands in for LinuxVm.Figures).</summary>
public static class FixtureFigures
{
    /// <summary>A figure with two lines, one blank between them.</summary>
    public static string Hello() => "free lists:\n\norder 0: 3 blocks";

    /// <summary>A figure that fails.</summary>
    public static string Throws() => throw new InvalidOperationException("the machine ran out of memory");

    /// <summary>Not a figure: it takes a parameter.</summary>
    public static string Takes(int n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
