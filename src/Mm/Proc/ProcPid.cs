using System.Globalization;
using System.Text;
using LinuxVm.Mm.Fs;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.KernelModel;
using static LinuxVm.Mm.Include.PageConstants;

namespace LinuxVm.Mm.Proc;

/// <summary>
/// The per-process memory files of fs/proc/array.c, as text in the exact 2.4.20 layout:
/// /proc/&lt;pid&gt;/maps (one line per region) and /proc/&lt;pid&gt;/status.
/// </summary>
public sealed class ProcPid
{
    private readonly Kernel _kernel;

    /// <summary>Creates the /proc views of <paramref name="kernel"/>.</summary>
    /// <param name="kernel">The kernel whose processes are shown.</param>
    public ProcPid(Kernel kernel) => _kernel = kernel;

    /// <summary>
    /// The Vm* lines of /proc/&lt;pid&gt;/status: VmSize (total_vm), VmLck (locked_vm), VmRSS (rss),
    /// VmData (anonymous regions other than stacks), VmStk (anonymous VM_GROWSDOWN regions), VmExe
    /// and VmLib (read-only executable file mappings: the program's own, and the rest). kB each.
    /// </summary>
    /// <param name="mm">The address space.</param>
    /// <remarks>Port note: without the VFS there are no mappings of program files, so exec lays the
    /// program's text out as anonymous memory and VmExe and VmLib read 0 while VmData includes the
    /// text: that is what task_mem's rules give for such regions. A shared anonymous region maps a
    /// writable shmem file, which task_mem counts nowhere.</remarks>
    [Linux("fs/proc/array.c", "task_mem")]
    public string TaskMem(MmStruct mm)
    {
        uint data = 0, stack = 0, exec = 0, lib = 0;

        mm.MmapSem.DownRead();
        for (VmAreaStruct? vma = mm.Mmap; vma != null; vma = vma.VmNext)
        {
            uint len = (vma.VmEnd - vma.VmStart) >> 10;
            if (vma.VmFile == null)
            {
                data += len;
                if ((vma.VmFlags & VmFlags.GrowsDown) != 0)
                    stack += len;
                continue;
            }
            if ((vma.VmFlags & VmFlags.Write) != 0)
                continue;
            if ((vma.VmFlags & VmFlags.Exec) != 0)
            {
                exec += len;
                if ((vma.VmFlags & VmFlags.Executable) != 0)
                    continue;
                lib += len;
            }
        }
        var b = new StringBuilder();
        Line(b, "VmSize", mm.TotalVm << (PageShift - 10));
        Line(b, "VmLck", mm.LockedVm << (PageShift - 10));
        Line(b, "VmRSS", mm.Rss << (PageShift - 10));
        Line(b, "VmData", data - stack);
        Line(b, "VmStk", stack);
        Line(b, "VmExe", exec - lib);
        Line(b, "VmLib", lib);
        mm.MmapSem.UpRead();
        return b.ToString();
    }

    // "%s:\t%8lu kB\n"
    private static void Line(StringBuilder b, string tag, uint kb) =>
        b.Append(tag).Append(":\t").Append(kb.ToString(CultureInfo.InvariantCulture).PadLeft(8)).Append(" kB\n");

    /// <summary>
    /// The first line of /proc/&lt;pid&gt;/status: <c>Name:</c>, a tab and the command name, with a
    /// backslash doubled and a newline written as <c>\n</c> so the line stays one line.
    /// </summary>
    /// <param name="p">The task.</param>
    /// <param name="b">Where the line goes.</param>
    [Linux("fs/proc/array.c", "task_name")]
    public static void TaskName(TaskStruct p, StringBuilder b)
    {
        b.Append("Name:\t");
        // comm is a 16-byte array: at most 15 characters before its terminating zero.
        string name = p.Comm.Length > 15 ? p.Comm[..15] : p.Comm;
        foreach (char c in name)
        {
            if (c == '\0')
                break;
            if (c == '\\')
                b.Append("\\\\");
            else if (c == '\n')
                b.Append("\\n");
            else
                b.Append(c);
        }
        b.Append('\n');
    }

    // The states in bit order: running is 0, and each later entry is the next bit of task->state.
    [Linux("fs/proc/array.c", "task_state_array")]
    private static readonly string[] TaskStateArray =
        ["R (running)", "S (sleeping)", "D (disk sleep)", "Z (zombie)", "T (stopped)", "W (paging)"];

    /// <summary>
    /// The state text of <paramref name="tsk"/>: the entry of the state array indexed by the
    /// position of the highest state bit set (0 for running).
    /// </summary>
    /// <param name="tsk">The task.</param>
    [Linux("fs/proc/array.c", "get_task_state")]
    public static string GetTaskState(TaskStruct tsk)
    {
        uint state = (uint)(tsk.State & (Sched.TaskRunning | Sched.TaskInterruptible
            | Sched.TaskUninterruptible | Sched.TaskZombie | Sched.TaskStopped));
        int i = 0;
        while (state != 0)
        {
            i++;
            state >>= 1;
        }
        return TaskStateArray[i];
    }

    /// <summary>
    /// The state and identity lines of /proc/&lt;pid&gt;/status: State, Tgid, Pid, PPid (0 for pid 0),
    /// TracerPid, the four user and four group ids, FDSize and the supplementary groups.
    /// </summary>
    /// <param name="p">The task.</param>
    /// <param name="b">Where the lines go.</param>
    /// <remarks>Port note: open files are outside the model, so no task has a files_struct and
    /// FDSize reads 0, as 2.4 prints for a task without one. No task is ever traced, and 2.4.20
    /// prints 0 for TracerPid in any case.</remarks>
    [Linux("fs/proc/array.c", "task_state")]
    public void TaskState(TaskStruct p, StringBuilder b)
    {
        _kernel.Sched.TasklistLock.Lock();
        b.Append(CultureInfo.InvariantCulture,
            $"State:\t{GetTaskState(p)}\nTgid:\t{p.Tgid}\nPid:\t{p.Pid}\nPPid:\t{(p.Pid != 0 ? p.POpptr.Pid : 0)}\nTracerPid:\t0\n");
        b.Append(CultureInfo.InvariantCulture, $"Uid:\t{p.Uid}\t{p.Euid}\t{p.Suid}\t{p.Fsuid}\n");
        b.Append(CultureInfo.InvariantCulture, $"Gid:\t{p.Gid}\t{p.Egid}\t{p.Sgid}\t{p.Fsgid}\n");
        _kernel.Sched.TasklistLock.Unlock();
        p.AllocLock.Lock();
        b.Append("FDSize:\t0\nGroups:\t");
        p.AllocLock.Unlock();
        foreach (uint g in p.Groups)
            b.Append(CultureInfo.InvariantCulture, $"{g} ");
        b.Append('\n');
    }

    /// <summary>
    /// Splits the handlers of <paramref name="p"/> into the signals it ignores and the signals it
    /// catches (a handler other than SIG_DFL and SIG_IGN). Bit n-1 stands for signal n.
    /// </summary>
    /// <param name="p">The task.</param>
    [Linux("fs/proc/array.c", "collect_sigign_sigcatch")]
    public static (ulong Ign, ulong Catch) CollectSigignSigcatch(TaskStruct p)
    {
        ulong ign = 0, caught = 0;
        p.SigmaskLock.Lock();
        if (p.Sig != null)
        {
            for (int i = 1; i <= Signal.Nsig; i++)
            {
                uint handler = p.Sig.Action[i - 1];
                if (handler == Signal.SigIgn)
                    ign |= Signal.Sigmask(i);
                else if (handler != Signal.SigDfl)
                    caught |= Signal.Sigmask(i);
            }
        }
        p.SigmaskLock.Unlock();
        return (ign, caught);
    }

    /// <summary>
    /// A signal set as 16 hexadecimal digits, highest signals first: each digit holds four
    /// signals, so signal 1 is the lowest bit of the last digit.
    /// </summary>
    /// <param name="set">Bit n-1 set for signal n.</param>
    [Linux("kernel/sched.c", "render_sigset_t")]
    public static string RenderSigsetT(ulong set)
    {
        var digits = new char[Signal.Nsig / 4];
        int pos = 0;
        for (int i = Signal.Nsig - 4; i >= 0; i -= 4)
        {
            int x = (int)((set >> i) & 0xf);
            digits[pos++] = (char)(x < 10 ? '0' + x : 'a' + x - 10);
        }
        return new string(digits);
    }

    /// <summary>The four signal lines of /proc/&lt;pid&gt;/status: pending, blocked, ignored, caught.</summary>
    /// <param name="p">The task.</param>
    /// <param name="b">Where the lines go.</param>
    [Linux("fs/proc/array.c", "task_sig")]
    public static void TaskSig(TaskStruct p, StringBuilder b)
    {
        b.Append("SigPnd:\t").Append(RenderSigsetT(p.Pending.Signal)).Append('\n');
        b.Append("SigBlk:\t").Append(RenderSigsetT(p.Blocked)).Append('\n');
        (ulong ign, ulong caught) = CollectSigignSigcatch(p);
        b.Append("SigIgn:\t").Append(RenderSigsetT(ign)).Append('\n');
        b.Append("SigCgt:\t").Append(RenderSigsetT(caught)).Append('\n');
    }

    /// <summary>The three capability lines of /proc/&lt;pid&gt;/status, as 16 hexadecimal digits each.</summary>
    /// <param name="p">The task.</param>
    /// <param name="b">Where the lines go.</param>
    [Linux("fs/proc/array.c", "task_cap")]
    public static void TaskCap(TaskStruct p, StringBuilder b)
    {
        b.Append(CultureInfo.InvariantCulture, $"CapInh:\t{p.CapInheritable:x16}\n");
        b.Append(CultureInfo.InvariantCulture, $"CapPrm:\t{p.CapPermitted:x16}\n");
        b.Append(CultureInfo.InvariantCulture, $"CapEff:\t{p.CapEffective:x16}\n");
    }

    /// <summary>
    /// The whole of /proc/&lt;pid&gt;/status for <paramref name="task"/>, in 2.4.20's order: name,
    /// state and ids, the memory lines (only when the task has an mm), signals, capabilities.
    /// </summary>
    /// <param name="task">The task.</param>
    [Linux("fs/proc/array.c", "proc_pid_status")]
    public string ProcPidStatus(TaskStruct task)
    {
        var b = new StringBuilder();
        TaskName(task, b);
        TaskState(task, b);
        task.AllocLock.Lock();
        MmStruct? mm = task.Mm;
        if (mm != null)
            mm.MmUsers++;
        task.AllocLock.Unlock();
        if (mm != null)
        {
            b.Append(TaskMem(mm));
            _kernel.Fork.Mmput(mm);
        }
        TaskSig(task, b);
        TaskCap(task, b);
        return b.ToString();
    }

    /// <summary>
    /// One line of /proc/&lt;pid&gt;/maps: <c>start-end perms offset dev inode</c>, with perms
    /// r/w/x and p (private) or s (VM_MAYSHARE). Anonymous regions show device 00:00 and inode 0;
    /// a region mapping a file shows the file's device and inode number, then, from column 50 on,
    /// its path (a shared anonymous region's shmem file reads <c>/dev/zero (deleted)</c>).
    /// </summary>
    /// <param name="map">The region.</param>
    [Linux("fs/proc/array.c", "proc_pid_maps_get_line")]
    public static string ProcPidMapsGetLine(VmAreaStruct map)
    {
        uint flags = map.VmFlags;
        var str = new char[4];
        str[0] = (flags & VmFlags.Read) != 0 ? 'r' : '-';
        str[1] = (flags & VmFlags.Write) != 0 ? 'w' : '-';
        str[2] = (flags & VmFlags.Exec) != 0 ? 'x' : '-';
        str[3] = (flags & VmFlags.MayShare) != 0 ? 's' : 'p';

        uint dev = 0, ino = 0;
        string? path = null;
        if (map.VmFile != null)
        {
            dev = map.VmFile.FDentry!.DInode!.IDev;
            ino = map.VmFile.FDentry.DInode.IIno;
            path = Dcache.DPath(map.VmFile.FDentry, map.VmFile.FVfsmnt!);
        }

        string line = string.Create(CultureInfo.InvariantCulture,
            $"{map.VmStart:x8}-{map.VmEnd:x8} {new string(str)} {map.VmPgoff << PageShift:x8} {dev >> 8:x2}:{dev & 0xff:x2} {ino}");
        // The fixed part is padded with blanks to MAPS_LINE_MAX (49 on i386) before the path.
        return path != null ? line.PadRight(MapsLineMax) + path + "\n" : line + "\n";
    }

    /// <summary>The widest the fixed part of a maps line can be on a 32-bit machine: 8+1+8+1+4+1+8+1+5+1+10+1.</summary>
    [Linux("fs/proc/array.c", "MAPS_LINE_MAX4")]
    public const int MapsLineMax = 49;

    /// <summary>
    /// The whole of /proc/&lt;pid&gt;/maps for <paramref name="task"/>: one line per region in address
    /// order; empty for a kernel thread.
    /// </summary>
    /// <param name="task">The task.</param>
    /// <remarks>Port note: the kernel hands the file out a page at a time through read offsets;
    /// here the whole text is returned at once.</remarks>
    [Linux("fs/proc/array.c", "proc_pid_read_maps")]
    public string ProcPidReadMaps(TaskStruct task)
    {
        task.AllocLock.Lock();
        MmStruct? mm = task.Mm;
        if (mm != null)
            mm.MmUsers++;
        task.AllocLock.Unlock();
        if (mm == null)
            return "";

        var b = new StringBuilder();
        mm.MmapSem.DownRead();
        for (VmAreaStruct? map = mm.Mmap; map != null; map = map.VmNext)
            b.Append(ProcPidMapsGetLine(map));
        mm.MmapSem.UpRead();
        _kernel.Fork.Mmput(mm);
        return b.ToString();
    }

    /// <summary>/proc/&lt;pid&gt;/maps of the task with <paramref name="pid"/>.</summary>
    /// <param name="pid">The process id.</param>
    /// <exception cref="ArgumentException">No such task.</exception>
    public string Maps(int pid) => ProcPidReadMaps(Find(pid));

    /// <summary>/proc/&lt;pid&gt;/status of the task with <paramref name="pid"/>.</summary>
    /// <param name="pid">The process id.</param>
    /// <exception cref="ArgumentException">No such task.</exception>
    public string Status(int pid) => ProcPidStatus(Find(pid));

    private TaskStruct Find(int pid) =>
        _kernel.Sched.FindTaskByPid(pid) ?? throw new ArgumentException($"no task with pid {pid}", nameof(pid));
}
