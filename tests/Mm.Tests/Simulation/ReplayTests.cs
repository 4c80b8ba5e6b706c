using System.Security.Cryptography;
using System.Text;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.KernelModel;
using LinuxVm.Mm.Simulation;
using LinuxVm.Mm.Tests.Arch.X86;
using KSemaphore = LinuxVm.Mm.KernelModel.Semaphore;

namespace LinuxVm.Mm.Tests.Simulation;

/// <summary>
/// Replays, in the manner of a demo replayed against a state hash: a fixed workload of tasks that
/// sleep on a semaphore, a page lock, an rw-semaphore and timers, and yield under memory
/// pressure, hashed from the kernel log, the context-switch trace, the free lists and the tasks'
/// states. Two runs give the same hash, and it equals the one recorded here: a change that
/// alters any scheduling decision shows up.
/// </summary>
public class ReplayTests
{
    private static string Replay(int cpus)
    {
        using var pc = ProcessPc.Boot(16, cpus: cpus);
        Kernel k = pc.Kernel;
        k.Stacks.TraceSwitches = true;
        var sem = new KSemaphore(k, "replay_sem", 1);
        var wq = new WaitQueueHead();
        Page page = k.PageAlloc.AllocPage(Gfp.Kernel)!;
        TaskStruct[] w = [.. Enumerable.Range(0, 5).Select(i => pc.Spawn($"w{i}"))];
        RwSemaphore mmapSem = w[0].Mm!.MmapSem;
        var runs = new List<TaskRun<bool>>
        {
            k.Driver.Start(w[0], () =>
            {
                sem.Down();
                w[0].State = Sched.TaskUninterruptible;
                k.Sched.ScheduleTimeout(3);
                sem.Up();
                k.Filemap.LockPage(page);
                k.Sched.SleepOnTimeout(wq, 2);
                k.Filemap.UnlockPage(page);
            }),
            k.Driver.Start(w[1], () =>
            {
                sem.Down();
                k.Filemap.LockPage(page);
                sem.Up();
                k.Filemap.UnlockPage(page);
            }),
            k.Driver.Start(w[2], () =>
            {
                mmapSem.DownWrite();
                k.Sched.InterruptibleSleepOnTimeout(wq, 4);
                mmapSem.UpWrite();
            }),
            k.Driver.Start(w[3], () =>
            {
                mmapSem.DownRead();
                k.Sched.WaitEvent(wq, () => k.Jiffies >= 6);
                mmapSem.UpRead();
            }),
        };
        // w4 allocates until memory runs out, yielding in __alloc_pages' slow path, then frees.
        var taken = new List<Page>();
        runs.Add(k.Driver.Start(w[4], () =>
        {
            while (k.PageAlloc.AllocPage(Gfp.Kernel) is Page p)
                taken.Add(p);
            foreach (Page p in taken)
                k.PageAlloc.FreePage(p);
        }));
        for (int t = 0; t < 12; t++)
        {
            k.Driver.Tick();
            if (t == 7)
                k.Driver.RunAs(pc.Init, () => k.Sched.WakeUpAll(wq));
        }
        foreach (TaskRun<bool> r in runs)
            k.Driver.Wait(r);

        var sb = new StringBuilder();
        foreach (string line in k.KernelLog)
            sb.AppendLine(line);
        foreach (var s in k.Stacks.SwitchTrace)
            sb.AppendLine($"{s.Jiffies} {s.Cpu} {s.Prev}->{s.Next}");
        sb.AppendLine(k.ProcMisc.BuddyinfoReadProc());
        foreach (TaskStruct t in k.Sched.ForEachTask())
            sb.AppendLine($"{t.Pid} {t.Comm} {t.State} {t.Counter} {t.Times.TmsUtime} {t.Times.TmsStime} {t.Processor}");
        sb.AppendLine($"jiffies {k.Jiffies} switches {k.Sched.ContextSwtch} taken {taken.Count}");
        Assert.All(runs, r => Assert.True(r.IsCompleted));
        Assert.True(k.Stacks.SwitchTrace.Count > 8, $"only {k.Stacks.SwitchTrace.Count} switches: {string.Join(", ", k.Stacks.SwitchTrace)}");
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())))[..16];
    }

    [Theory]
    [InlineData(1, "AB375F2610B920BC")]
    [InlineData(2, "9C765E8AB9204D76")]
    public void TheSameWorkload_ReplaysToTheSameState(int cpus, string recorded)
    {
        string first = Replay(cpus);
        string second = Replay(cpus);
        Assert.Equal(first, second);
        Assert.Equal(recorded, first);
    }
}
