using System.Text;
using LinuxVm.Arch.X86;
using LinuxVm.Mm;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.KernelModel;

namespace LinuxVm.Figures;

/// <summary>Figures for chapter 4 (process address space): a process's regions as /proc/&lt;pid&gt;/maps shows them, made by running mm/mmap.c, mprotect.c, mremap.c and mlock.c.</summary>
public static class VmaFigures
{
    private const uint Rw = Mman.ProtRead | Mman.ProtWrite;
    private const uint Anon = Mman.MapPrivate | Mman.MapAnonymous;

    private static (Kernel K, TaskStruct P) Process()
    {
        Kernel k = Machine.Boot(new MachineConfig { RamBytes = 32u << 20 }).Kernel;
        k.Driver.Spawn("init", image: new ProgramImage("init"));
        TaskStruct p = k.Driver.Spawn("prog", image: new ProgramImage("prog"));
        return (k, p);
    }

    /// <summary>
    /// /proc/pid/maps after each step of a short session: exec, an mmap of 8 pages, mprotect of
    /// pages 2-3 read-only, mlock of pages 5-6, brk by 3 pages, and mremap of the last region
    /// to 12 pages with MREMAP_MAYMOVE.
    /// </summary>
    public static string MapsAfterASession()
    {
        (Kernel k, TaskStruct p) = Process();
        var b = new StringBuilder();
        void Show(string title)
        {
            b.Append("$ ").Append(title).Append('\n');
            b.Append(k.ProcPid.Maps(p.Pid)).Append('\n');
        }
        Show("exec prog   (16 KiB text, 4 KiB data, 8 KiB bss)");
        uint a = k.Driver.RunAs(p, () => k.Syscalls.Mmap(0, 8 * 0x1000, Rw, Anon));
        Show($"mmap(0, 32 KiB, rw, private|anonymous) = {a:x8}");
        k.Driver.RunAs(p, () => k.Syscalls.Mprotect(a + 0x2000, 0x2000, Mman.ProtRead));
        Show($"mprotect({a + 0x2000:x8}, 8 KiB, r)");
        k.Driver.RunAs(p, () => k.Syscalls.Mlock(a + 0x5000, 0x2000));
        Show($"mlock({a + 0x5000:x8}, 8 KiB)");
        uint brk = k.Driver.RunAs(p, () => k.Syscalls.Brk(0));
        k.Driver.RunAs(p, () => k.Syscalls.Brk(brk + 0x3000));
        Show($"brk({brk + 0x3000:x8})");
        uint r = k.Driver.RunAs(p, () => k.Syscalls.Mremap(a + 0x7000, 0x1000, 0xc000, Mman.MremapMaymove));
        Show($"mremap({a + 0x7000:x8}, 4 KiB, 48 KiB, MAYMOVE) = {r:x8}");
        b.Append("$ grep Vm /proc/pid/status\n");
        foreach (string line in k.ProcPid.Status(p.Pid).Split('\n'))
        {
            if (line.StartsWith("Vm", StringComparison.Ordinal))
                b.Append(line).Append('\n');
        }
        return b.ToString();
    }

    /// <summary>
    /// A shared anonymous region after fork: the parent maps 4 pages MAP_SHARED|MAP_ANONYMOUS and
    /// forks; the child writes pages 0 and 1, the parent writes page 1 and reads page 3. Shows both
    /// processes' line of /proc/pid/maps, which page frame backs each page in each process, and
    /// the Cached line of /proc/meminfo.
    /// </summary>
    public static string SharedAnonymousAfterFork()
    {
        Machine m = Machine.Boot(new MachineConfig { RamBytes = 32u << 20 });
        Kernel k = m.Kernel;
        k.Driver.Spawn("init", image: new ProgramImage("init"));
        TaskStruct parent = k.Driver.Spawn("prog", image: new ProgramImage("prog"));
        uint a = k.Driver.RunAs(parent, () => k.Syscalls.Mmap(0, 4 * 0x1000, Rw, Mman.MapShared | Mman.MapAnonymous));
        int pid = k.Driver.RunAs(parent, () => k.Fork.DoFork((uint)Signal.Sigchld));
        TaskStruct child = k.Sched.FindTaskByPid(pid)!;
        m.Arch.User.WriteU32(child, a, 0x11);
        m.Arch.User.WriteU32(child, a + 0x1000, 0x22);
        m.Arch.User.WriteU32(parent, a + 0x1000, 0x33);
        m.Arch.User.ReadU32(parent, a + 0x3000);

        var b = new StringBuilder();
        foreach ((string who, TaskStruct t) in new[] { ("parent", parent), ("child", child) })
        {
            string line = k.ProcPid.Maps(t.Pid).Split('\n').First(l => l.StartsWith($"{a:x8}", StringComparison.Ordinal));
            b.Append($"{who,-7}{line}\n");
        }
        b.Append("\npage  parent frame  child frame\n");
        for (uint i = 0; i < 4; i++)
        {
            string Frame(TaskStruct t) => k.Memory.FollowPage(t.Mm!, a + i * 0x1000, 0) is { } pg ? pg.MapNr.ToString("x5") : "-";
            b.Append($"{i,4}  {Frame(parent),12}  {Frame(child),11}\n");
        }
        string cached = k.ProcMisc.MeminfoReadProc().Split('\n').First(l => l.StartsWith("Cached:", StringComparison.Ordinal));
        b.Append('\n').Append(cached).Append('\n');
        return b.ToString();
    }
}
