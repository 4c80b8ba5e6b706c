namespace LinuxVm.Bench;

/// <summary>One line of the benchmark table.</summary>
internal sealed record Row(string Label, string Value, string Goal, bool Met);
