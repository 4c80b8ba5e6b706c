using System.Globalization;

namespace LinuxVm.Bench;

/// <summary>What each benchmark method measures, and the target it is held to.</summary>
internal static class Catalog
{
    public static readonly Type[] BenchmarkTypes =
    [
        typeof(PageAllocBenchmarks),
        typeof(SlabBenchmarks),
        typeof(VmallocBenchmarks),
        typeof(BootBenchmarks),
        typeof(ProcessBenchmarks),
        typeof(SchedBenchmarks),
    ];

    /// <summary>Every benchmark method with its target, in the order the table prints them.</summary>
    public static readonly IReadOnlyList<(string Method, Target Target)> Targets =
    [
        (nameof(PageAllocBenchmarks.Order0AllocFree), Target.Rate("order-0 page alloc+free", "pairs/s", 5e6)),
        (nameof(PageAllocBenchmarks.Order3AllocFree), Target.Rate("order-3 page alloc+free", "pairs/s", null)),
        (nameof(SlabBenchmarks.Cache64AllocFree), Target.Rate("kmem_cache 64 B alloc+free", "pairs/s", 10e6)),
        (nameof(SlabBenchmarks.Cache4096AllocFree), Target.Rate("kmem_cache 4 KiB alloc+free", "pairs/s", 10e6)),
        (nameof(SlabBenchmarks.KmallocKfree), Target.Rate("kmalloc(100)+kfree", "pairs/s", null)),
        (nameof(VmallocBenchmarks.Vmalloc64KVfree), Target.Rate("vmalloc(64 KiB)+vfree", "pairs/s", null)),
        (nameof(ProcessBenchmarks.FirstTouchFault), Target.Rate("first-touch anonymous fault", "faults/s", 1e6)),
        (nameof(ProcessBenchmarks.MappedAccess), Target.Rate("load from a mapped page", "accesses/s", 20e6)),
        (nameof(ProcessBenchmarks.MmapMunmapWith1000Vmas), Target.Rate("mmap+munmap, 1,000 VMAs in the tree", "pairs/s", null)),
        (nameof(ProcessBenchmarks.Fork16MiBCow), Target.Time("fork+exit of a 16 MiB process (COW)", null)),
        (nameof(SchedBenchmarks.ContextSwitch), Target.Rate("context switch between two tasks in the kernel", "switches/s", null)),
        (nameof(BootBenchmarks.Boot64MiB), Target.Time("boot 64 MiB machine", null)),
        (nameof(BootBenchmarks.Boot4GiB), Target.Time("boot 4 GiB machine", 1000)),
    ];
}

/// <summary>A benchmark's label and goal: a rate to reach or a time to stay under.</summary>
internal sealed record Target(string Label, string Goal, Func<double, Row> Row)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>An operation per benchmark invocation; the goal is at least <paramref name="min"/> per second.</summary>
    public static Target Rate(string label, string unit, double? min)
    {
        string goal = min is null ? "(recorded)" : $">= {Human(min.Value)} {unit}";
        return new Target(label, goal, meanNs =>
        {
            double perSecond = 1e9 / meanNs;
            return new Row(label, $"{Human(perSecond)} {unit}", goal, min is null || perSecond >= min);
        });
    }

    /// <summary>A one-off operation; the goal is at most <paramref name="maxMs"/> milliseconds.</summary>
    public static Target Time(string label, double? maxMs)
    {
        string goal = maxMs is null ? "(recorded)" : $"< {maxMs.Value.ToString(Inv)} ms";
        return new Target(label, goal, meanNs =>
        {
            double ms = meanNs / 1e6;
            return new Row(label, $"{ms.ToString("F1", Inv)} ms", goal, maxMs is null || ms < maxMs);
        });
    }

    public static string Human(double v) => v switch
    {
        >= 1e6 => (v / 1e6).ToString("F2", Inv) + " M",
        >= 1e3 => (v / 1e3).ToString("F1", Inv) + " k",
        _ => v.ToString("F0", Inv),
    };
}
