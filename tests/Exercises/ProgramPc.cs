using LinuxVm.Arch.X86;
using LinuxVm.Mm;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.KernelModel;
using LinuxVm.Mm.Tests.Arch.X86;

namespace LinuxVm.Exercises;

/// <summary>
/// The machine of chapter 4's exercises: a booted 32 MiB <see cref="ProcessPc"/> whose init execs
/// a program, with the VMA checker on, and a process exec'd from a small program (16 KiB of text at 0x08048000, a page of data, 8 KiB of
/// bss, and the stack exec made at the top of user space) whose system calls the exercises make.
/// </summary>
internal sealed class ProgramPc
{
    public ProgramPc()
    {
        Pc = ProcessPc.Boot(32, initImage: new ProgramImage("init"));
        K = Pc.Kernel;
        K.Mmap.DebugMmRb = true;
        P = K.Driver.Spawn("prog", image: new ProgramImage("prog"));
    }

    public ProcessPc Pc { get; }
    public Machine Machine => Pc.Machine;
    public Kernel K { get; }
    public TaskStruct P { get; }
    public MmStruct Mm => P.Mm!;
    public Syscalls Sys => K.Syscalls;

    /// <summary>The process makes a system call.</summary>
    public T Run<T>(Func<Syscalls, T> call) => K.Driver.RunAs(P, () => call(K.Syscalls));

    /// <summary>/proc/&lt;pid&gt;/maps of the process, one line per region.</summary>
    public string[] Maps() => K.ProcPid.Maps(P.Pid).TrimEnd('\n').Split('\n');

    /// <summary>The line of /proc/&lt;pid&gt;/status that starts with <paramref name="tag"/>.</summary>
    public string Status(string tag) =>
        K.ProcPid.Status(P.Pid).Split('\n').Single(l => l.StartsWith(tag + ":", StringComparison.Ordinal));
}
