namespace LinuxVm.DocGen.Tests;

/// <summary>DocGen's command line: a bad option or value stops with exit code 2 and says what is wrong.</summary>
[Collection("Console")]
public class CommandLineTests
{
    private static (int Code, string Errors) Run(params string[] args)
    {
        var saved = Console.Error;
        var err = new StringWriter();
        try
        {
            Console.SetError(err);
            return (Program.Main(args), err.ToString());
        }
        finally
        {
            Console.SetError(saved);
        }
    }

    [Fact]
    public void UnknownOption_IsNamed()
    {
        var (code, errors) = Run("build", "--no-dcofx");
        Assert.Equal(2, code);
        Assert.Contains("'--no-dcofx'", errors);
    }

    [Fact]
    public void BenchRuns_MustBeAPositiveNumber()
    {
        Assert.Contains("--runs must be at least 1", Run("bench", "--runs", "0").Errors);
        var (code, errors) = Run("bench", "--runs", "many");
        Assert.Equal(2, code);
        Assert.Contains("'many'", errors);
    }

    [Fact]
    public void OptionWithoutItsValue_IsReported()
    {
        var (code, errors) = Run("build", "--root");
        Assert.Equal(2, code);
        Assert.Contains("--root", errors);
    }
}
