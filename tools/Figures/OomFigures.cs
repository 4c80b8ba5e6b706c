using System.Globalization;
using System.Text;
using LinuxVm.Arch.X86;
using LinuxVm.Mm;
using LinuxVm.Mm.KernelModel;

namespace LinuxVm.Figures;

/// <summary>Figures for chapter 1 (out of memory management), made by running mm/oom_kill.c.</summary>
public static class OomFigures
{
    private sealed record Row(string Comm, uint Uid, uint Pages, int CpuSeconds, int UpSeconds, int Nice);

    // Eight hours after boot on a small workstation.
    private const uint Now = 8 * 3600 * Sched.Hz;

    private static readonly Row[] Workstation =
    [
        new("init", 0, 300, 5, 8 * 3600, 0),
        new("X", 0, 12000, 600, 8 * 3600, 0),
        new("postmaster", 26, 60000, 3600, 8 * 3600, 0),
        new("mozilla", 1000, 30000, 60, 3600, 0),
        new("make", 1000, 8000, 30, 120, 10),
        new("kswapd", 0, 0, 40, 8 * 3600, 0),
    ];

    /// <summary>
    /// A table of the workstation's tasks with each term of badness() and the final score, and which
    /// task select_bad_process chooses.
    /// </summary>
    public static string BadnessTable()
    {
        var k = Machine.Boot(new MachineConfig { RamBytes = MachineConfig.MinRam }).Kernel;
        k.Jiffies = Now;
        var tasks = new List<TaskStruct>();
        foreach (Row r in Workstation)
        {
            TaskStruct p = r.Pages == 0
                ? k.Sched.FindTaskByPid(k.Fork.DoFork(Fork.CloneVm, r.Comm))!   // a kernel thread: no mm
                : k.Driver.Spawn(r.Comm);
            if (p.Mm != null)
                p.Mm.TotalVm = r.Pages;
            p.Times.TmsUtime = r.CpuSeconds * Sched.Hz;
            p.StartTime = Now - (uint)(r.UpSeconds * Sched.Hz);
            p.Uid = p.Euid = p.Suid = p.Fsuid = r.Uid;
            p.Nice = r.Nice;
            if (p.Mm != null)
            {
                // setuid away from root clears the capabilities (cap_emulate_setxuid); then exec
                // gives CAP_INIT_EFF_SET to root and nothing to anyone else.
                if (r.Uid != 0)
                    p.CapPermitted = p.CapEffective = 0;
                k.Driver.RunAs(p, () =>
                {
                    var bprm = new LinuxBinprm();
                    k.Exec.PrepareBinprm(bprm);
                    k.Exec.ComputeCreds(bprm);
                });
            }
            tasks.Add(p);
        }

        var sb = new StringBuilder();
        sb.AppendLine("| pid | comm | total_vm | cpu units | ÷ | run units | ÷ | nice ×2 | root ÷4 | rawio ÷4 | badness |");
        sb.AppendLine("|----:|------|---------:|----------:|--:|----------:|--:|:-------:|:-------:|:--------:|--------:|");
        foreach (TaskStruct p in tasks)
        {
            int cpu = (p.Times.TmsUtime + p.Times.TmsStime) >> (Sched.ShiftHz + 3);
            int run = (int)((Now - p.StartTime) >> (Sched.ShiftHz + 10));
            bool root = p.Uid == 0 || p.Euid == 0 || (p.CapEffective & Capability.CapToMask(Capability.CapSysAdmin)) != 0;
            bool rawio = (p.CapEffective & Capability.CapToMask(Capability.CapSysRawio)) != 0;
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {p.Pid} | {p.Comm} | {(p.Mm == null ? "(no mm)" : p.Mm.TotalVm.ToString(CultureInfo.InvariantCulture))} | {cpu} | {OomKill.IntSqrt((uint)cpu)} | {run} | {OomKill.IntSqrt(OomKill.IntSqrt((uint)run))} | {(p.Nice > 0 ? "yes" : "")} | {(root ? "yes" : "")} | {(rawio ? "yes" : "")} | {k.OomKill.Badness(p)} |"));
        }
        TaskStruct? chosen = k.OomKill.SelectBadProcess();
        sb.AppendLine();
        sb.AppendLine(chosen == null ? "select_bad_process finds nothing to kill." : $"select_bad_process chooses pid {chosen.Pid} ({chosen.Comm}).");
        return sb.ToString();
    }

    /// <summary>
    /// The run-time divisor of badness, int_sqrt(int_sqrt(run_time)), computed by the port's
    /// int_sqrt for every run time up to 1023 units of 2^17 ticks (about 15 days), one row per
    /// stretch of equal divisor.
    /// </summary>
    public static string RunTimeDivisor()
    {
        const int Units = 1024;
        const double HoursPerUnit = (1 << 17) / (double)Sched.Hz / 3600;
        var sb = new StringBuilder();
        sb.AppendLine("| run_time (units) | age from | int_sqrt(run_time) | divisor |");
        sb.AppendLine("|-----------------:|---------:|-------------------:|--------:|");
        int start = 0;
        for (int u = 1; u <= Units; u++)
        {
            uint divisor = OomKill.IntSqrt(OomKill.IntSqrt((uint)start));
            if (u < Units && OomKill.IntSqrt(OomKill.IntSqrt((uint)u)) == divisor)
                continue;
            double hours = start * HoursPerUnit;
            string age = hours < 48
                ? string.Create(CultureInfo.InvariantCulture, $"{hours:0.0} h")
                : string.Create(CultureInfo.InvariantCulture, $"{hours / 24:0.0} days");
            var inner = Enumerable.Range(start, u - start).Select(x => OomKill.IntSqrt((uint)x)).ToArray();
            string innerRange = inner.Min() == inner.Max()
                ? inner[0].ToString(CultureInfo.InvariantCulture)
                : string.Create(CultureInfo.InvariantCulture, $"{inner.Min()} to {inner.Max()}");
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {start} to {u - 1} | {age} | {innerRange} | {divisor} |"));
            start = u;
        }
        return sb.ToString();
    }

    /// <summary>
    /// The rate limiter's state after each call when reclaim fails every 100 ms from t = 10 s:
    /// the calls that count, and the ones that kill.
    /// </summary>
    public static string RateLimiterTimeline()
    {
        var k = Machine.Boot(new MachineConfig { RamBytes = MachineConfig.MinRam }).Kernel;
        TaskStruct hog = k.Driver.Spawn("hog");
        hog.Mm!.TotalVm = 50000;
        hog.Uid = hog.Euid = hog.Suid = 1000;
        hog.CapEffective = 0;
        var sb = new StringBuilder();
        sb.AppendLine("| call | jiffies | first | count | what happened |");
        sb.AppendLine("|-----:|--------:|------:|------:|---------------|");
        int call = 0;
        for (uint t = 1000; t <= 1700; t += 10)
        {
            call++;
            k.Jiffies = t;
            int before = k.KernelLog.Count;
            uint countBefore = k.OomKill.Count;
            k.OomKill.OutOfMemory();
            string what = k.KernelLog.Count > before ? "**kill**"
                : k.OomKill.Count > countBefore ? "counted"
                : call == 1 ? "run starts" : "";
            if (call <= 2 || what != "" && (call <= 12 || call % 10 == 0 || what == "**kill**" || call >= 68))
                sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {call} | {t} | {k.OomKill.First} | {k.OomKill.Count} | {what} |"));
        }
        return sb.ToString();
    }
}
