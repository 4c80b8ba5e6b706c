using System.Text.Json;
using LinuxVm.DocGen.Pipeline;

namespace LinuxVm.DocGen.Tests;

/// <summary>The call graph of the fixture: direct calls, calls through helpers, the architecture contract and an operation table.</summary>
public class GraphTests
{
    private static readonly Lazy<JsonElement> Functions = new(() =>
        JsonDocument.Parse(Build.Generate(Fixture.Options(Fixture.Port)).CallgraphJson).RootElement.GetProperty("functions"));

    private static JsonElement Function(string kernel) =>
        Functions.Value.EnumerateArray().Single(f => f.GetProperty("kernel").GetString() == kernel);

    private static List<string> Calls(string kernel, bool indirect) =>
        Function(kernel).GetProperty("calls").EnumerateArray()
            .Where(c => (c.TryGetProperty("indirect", out var i) && i.GetBoolean()) == indirect)
            .Select(c => c.GetProperty("kernel").GetString()!).ToList();

    [Fact]
    public void DirectCalls_AreListedInBodyOrder() => Assert.Equal(["rmqueue"], Calls("__alloc_pages", indirect: false));

    [Fact]
    public void CallThroughOurHelperToTheArchitecture_IsIndirect() => Assert.Equal(["flush_tlb_all"], Calls("__alloc_pages", indirect: true));

    [Fact]
    public void CallThroughAnOperationTable_ResolvesToTheStoredFunction() => Assert.Equal(["filemap_nopage"], Calls("do_no_page", indirect: true));

    [Fact]
    public void Entry_HasTheIssuesFields()
    {
        var f = Function("rmqueue");
        Assert.Equal("mm/page_alloc.c", f.GetProperty("file").GetString());
        Assert.Equal("M:Fixture.Alloc.Rmqueue(System.Int32)", f.GetProperty("csharp").GetString());
        Assert.Equal("src/Fixture/Alloc.cs", f.GetProperty("source").GetString());
        Assert.Equal(24, f.GetProperty("line").GetInt32());
        Assert.Equal(["expand"], Calls("rmqueue", indirect: false));
    }

    [Fact]
    public void ImplementationOfAContractMember_TakesItsKernelName()
    {
        var f = Function("flush_tlb_all");
        Assert.Equal("M:Fixture.FakeArch.FlushTlbAll", f.GetProperty("csharp").GetString());
    }
}
