using LinuxVm.Arch.X86;

namespace LinuxVm.Vm.Tests;

/// <summary>MachineConfig's size parser and validation say what is wrong without leaking parameter names or overflowing.</summary>
public class MachineConfigTests
{
    [Theory]
    [InlineData("17179869184G", "'17179869184G' is too large")]
    [InlineData("18446744073709551615K", "'18446744073709551615K' is too large")]
    [InlineData("18446744073709551616", "'18446744073709551616' is too large")]
    [InlineData("B", "'B' is not a size")]
    [InlineData("", "'' is not a size")]
    [InlineData("+4M", "'+4M' is not a size")]
    public void ParseSize_RejectsWithAPlainMessage(string text, string message)
    {
        Assert.False(MachineConfig.TryParseSize(text, out _, out string? error));
        Assert.Equal(message, error);
        Assert.Equal(message, Assert.Throws<FormatException>(() => MachineConfig.ParseSize(text)).Message);
    }

    [Theory]
    [InlineData("18446744073709551615", ulong.MaxValue)]
    [InlineData("17179869183G", 17179869183UL << 30)]
    [InlineData("16E", null)]
    public void ParseSize_TakesEverySizeThatFits(string text, ulong? bytes)
    {
        Assert.Equal(bytes is not null, MachineConfig.TryParseSize(text, out ulong got, out _));
        if (bytes is not null)
            Assert.Equal(bytes.Value, got);
    }

    [Fact]
    public void Validate_MessageNamesNoParameter()
    {
        var e = Assert.Throws<ArgumentException>(() => new MachineConfig { Cpus = 0 }.Validate());
        Assert.Equal("a machine has 1 to 32 CPUs, not 0", e.Message);
    }
}
