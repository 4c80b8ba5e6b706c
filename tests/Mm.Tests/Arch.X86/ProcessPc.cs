using LinuxVm.Arch.X86;
using LinuxVm.Mm.Arch;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.KernelModel;

namespace LinuxVm.Mm.Tests.Arch.X86;

/// <summary>
/// A PC booted by <see cref="Machine.Boot"/> (the whole boot) that runs processes, with init
/// started: the machine of the tests and exercises on processes. Helpers fork, exit, and lay out
/// anonymous memory in a process the way mmap would.
/// </summary>
public sealed class ProcessPc : IDisposable
{
    private ProcessPc(Machine machine, ProgramImage? initImage)
    {
        Machine = machine;
        Kernel = machine.Kernel;
        Arch = machine.Arch;
        BootFreePages = Kernel.PageAlloc.NrFreePages();
        // pid 1 is init, which the kernel never lets die; test processes are its children.
        Init = Kernel.Driver.Spawn("init", image: initImage);
    }

    /// <summary>Ends the machine's parked task threads.</summary>
    public void Dispose() => Machine.Dispose();

    /// <summary>init (pid 1): the default parent, with an empty address space unless it was given a program.</summary>
    public TaskStruct Init { get; }

    /// <summary>Boots a PC with <paramref name="megabytes"/> MiB.</summary>
    /// <param name="megabytes">RAM.</param>
    /// <param name="pae">Build with PAE (3-level page tables).</param>
    /// <param name="cpus">CPUs.</param>
    /// <param name="initImage">The program init execs, or null for an empty address space.</param>
    public static ProcessPc Boot(uint megabytes = 16, bool pae = false, int cpus = 1, ProgramImage? initImage = null) =>
        new(Machine.Boot(new MachineConfig { RamBytes = (ulong)megabytes << 20, Pae = pae, Cpus = cpus }), initImage);

    /// <summary>The booted machine.</summary>
    public Machine Machine { get; }

    /// <summary>The kernel.</summary>
    public Kernel Kernel { get; }

    /// <summary>The architecture.</summary>
    public I386 Arch { get; }

    /// <summary>Free pages right after boot.</summary>
    public uint BootFreePages { get; }

    /// <summary>User-mode accesses.</summary>
    public UserSpace User => Arch.User;

    /// <summary>Starts a process with an empty address space.</summary>
    /// <param name="comm">Its name.</param>
    /// <param name="parent">Its parent (init_task when null).</param>
    public TaskStruct Spawn(string comm, TaskStruct? parent = null) => Kernel.Driver.Spawn(comm, parent ?? Init);

    /// <summary>The current task forks; returns the child.</summary>
    /// <param name="parent">The forking task.</param>
    public TaskStruct Fork(TaskStruct parent)
    {
        int pid = Kernel.Driver.RunAs(parent, () => Kernel.Fork.DoFork((uint)Signal.Sigchld));
        Assert.True(pid > 0, $"fork failed: {pid}");
        return Kernel.Sched.FindTaskByPid(pid)!;
    }

    /// <summary>The task exits and its parent reaps it.</summary>
    /// <param name="task">The task.</param>
    public void Exit(TaskStruct task)
    {
        if (task.State != Sched.TaskZombie)
            Kernel.Driver.RunAs(task, () => Kernel.Exit.DoExit(0));
        Kernel.Driver.RunAs(task.PPptr, () => Kernel.Exit.SysWait4(task.Pid));
    }

    /// <summary>Adds a private anonymous region [start, start + length) to the task, as mmap(MAP_PRIVATE|MAP_ANONYMOUS) would.</summary>
    /// <param name="task">The task.</param>
    /// <param name="start">Page-aligned start.</param>
    /// <param name="length">Bytes, a multiple of the page size.</param>
    /// <param name="writable">PROT_WRITE as well as PROT_READ.</param>
    /// <param name="extraFlags">More VM_* flags (VM_GROWSDOWN for a stack).</param>
    public VmAreaStruct MapAnonymous(TaskStruct task, uint start, uint length, bool writable = true, uint extraFlags = 0)
    {
        uint flags = VmFlags.Read | (writable ? VmFlags.Write : 0) | VmFlags.MayRead | VmFlags.MayWrite | VmFlags.MayExec | extraFlags;
        VmAreaStruct vma = Kernel.Fork.VmAreaAlloc(SlabFlags.Kernel) ?? throw new InvalidOperationException("no memory for a vm_area_struct");
        vma.VmMm = task.Mm!;
        vma.VmStart = start;
        vma.VmEnd = start + length;
        vma.VmFlags = flags;
        vma.VmPageProt = Pgprot.Private((int)(flags & 7));
        // insert_vm_struct links the region in; like exec's callers, the caller accounts for it.
        Kernel.Mmap.InsertVmStruct(task.Mm!, vma);
        task.Mm!.TotalVm += length >> PageConstants.PageShift;
        return vma;
    }

    /// <summary>Counts the present ptes of the task's user space (what rss should be, zero page excluded).</summary>
    /// <param name="task">The task.</param>
    /// <param name="pageTables">Page tables found.</param>
    public uint CountMappedPages(TaskStruct task, out int pageTables)
    {
        IArchitecture a = Kernel.Arch;
        MmStruct mm = task.Mm!;
        uint pages = 0;
        pageTables = 0;
        for (int i = 0; i < a.UserPtrsPerPgd; i++)
        {
            PgdPtr pgd = a.PgdOffset(mm, 0) + i;
            for (int j = 0; j < a.PtrsPerPmd; j++)
            {
                PmdPtr pmd = a.PmdOffset(pgd, 0) + j;
                if (a.ReadPmd(pmd).None)
                    continue;
                pageTables++;
                PtePtr pte = a.PteOffset(pmd, 0);
                for (int k = 0; k < a.PtrsPerPte; k++)
                {
                    Pte e = a.ReadPte(pte + k);
                    if (e.Present && !PageFlags.PageReserved(a.PtePage(e)))
                        pages++;
                }
            }
        }
        return pages;
    }

    /// <summary>Free pages plus the pages kept for reuse: page tables cached on the quicklists (which a trim
    /// gives back) and slabs with no object in use, such as vm_area_struct's after every process exited.</summary>
    public uint FreeIncludingQuicklists() =>
        Kernel.PageAlloc.NrFreePages() + Kernel.Arch.PgtableCacheSize + (uint)Kernel.Slab.PagesHeldForReuse();
}
