using System.Globalization;
using System.Text;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.KernelModel;
using static LinuxVm.Mm.Include.PageConstants;

namespace LinuxVm.Mm.Proc;

/// <summary>
/// The per-process memory files of fs/proc/array.c, as text in the exact 2.4.20 layout:
/// /proc/&lt;pid&gt;/maps (one line per region) and the memory lines of /proc/&lt;pid&gt;/status.
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
    /// <remarks>Port note: without the page cache there are no file mappings, so exec lays the
    /// program's text out as anonymous memory and VmExe and VmLib read 0 while VmData includes the
    /// text: that is what task_mem's rules give for such regions.</remarks>
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
    /// The memory part of /proc/&lt;pid&gt;/status for <paramref name="task"/>: the task_mem lines,
    /// or nothing for a kernel thread (no mm).
    /// </summary>
    /// <param name="task">The task.</param>
    /// <remarks>Port note: the other lines of proc_pid_status (name, state, ids, signals,
    /// capabilities) are outside mm/ and not produced.</remarks>
    [Linux("fs/proc/array.c", "proc_pid_status")]
    public string ProcPidStatus(TaskStruct task)
    {
        MmStruct? mm = task.Mm;
        if (mm == null)
            return "";
        mm.MmUsers++;
        string text = TaskMem(mm);
        _kernel.Fork.Mmput(mm);
        return text;
    }

    /// <summary>
    /// One line of /proc/&lt;pid&gt;/maps: <c>start-end perms offset dev inode</c>, with perms
    /// r/w/x and p (private) or s (VM_MAYSHARE); anonymous regions show device 00:00 and inode 0.
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

        // Port note: a file mapping would show the inode's device, number and path; there are none yet.
        uint dev = 0, ino = 0;
        return string.Create(CultureInfo.InvariantCulture,
            $"{map.VmStart:x8}-{map.VmEnd:x8} {new string(str)} {map.VmPgoff << PageShift:x8} {dev >> 8:x2}:{dev & 0xff:x2} {ino}\n");
    }

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

    /// <summary>The Vm* lines of /proc/&lt;pid&gt;/status of the task with <paramref name="pid"/>.</summary>
    /// <param name="pid">The process id.</param>
    /// <exception cref="ArgumentException">No such task.</exception>
    public string Status(int pid) => ProcPidStatus(Find(pid));

    private TaskStruct Find(int pid) =>
        _kernel.Sched.FindTaskByPid(pid) ?? throw new ArgumentException($"no task with pid {pid}", nameof(pid));
}
