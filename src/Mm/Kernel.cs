using LinuxVm.Mm.Arch;
using LinuxVm.Mm.Fs;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.KernelModel;
using LinuxVm.Mm.Proc;
using LinuxVm.Mm.Simulation;
using LinuxVm.Mm.Sim;

namespace LinuxVm.Mm;

/// <summary>
/// One running kernel: the root of a simulated machine's object graph. Each ported kernel file is
/// one object reachable from here (<see cref="Bootmem"/> for mm/bootmem.c, <see cref="PageAlloc"/>
/// for mm/page_alloc.c, and so on), and each file's global variables are fields of that object,
/// so two machines never share state and a test may boot as many as it likes.
/// </summary>
/// <remarks>
/// The kernel is the SMP build (as the i386 defconfig is), run as a deterministic simulation in
/// which exactly one piece of kernel code runs at a time: <see cref="CurrentCpu"/> says which CPU
/// is executing, and code that the kernel runs per CPU indexes its per-CPU data with it. Each
/// task's kernel code runs on a stack of its own (<see cref="Stacks"/>), so a task can sleep in
/// the middle of it and resume there.
/// </remarks>
public sealed partial class Kernel : IDisposable
{
    /// <summary>Creates the kernel of a machine with the given RAM and architecture. Nothing is initialised yet: the architecture's boot code drives the set-up.</summary>
    /// <param name="phys">The machine's physical memory.</param>
    /// <param name="arch">The architecture the kernel runs on.</param>
    /// <param name="cpus">Number of CPUs online (<c>smp_num_cpus</c>), 1 to <see cref="IArchitecture.NrCpusMax"/>.</param>
    public Kernel(PhysicalMemory phys, IArchitecture arch, int cpus)
    {
        ArgumentNullException.ThrowIfNull(phys);
        ArgumentNullException.ThrowIfNull(arch);
        if (cpus < 1 || cpus > arch.NrCpusMax)
            throw new ArgumentOutOfRangeException(nameof(cpus), cpus, $"a machine has 1 to {arch.NrCpusMax} CPUs");
        Phys = phys;
        Arch = arch;
        SmpNumCpus = cpus;

        // Every file's object is created here, before anything runs, as the C's are linked into
        // the image: none appears on first use, and creating one has no side effects. The boot
        // code (Machine.StartKernel for a PC) then runs the init functions in start_kernel's order.

        // kernel/: the task model first, since init_task and its address space exist from the
        // start; then the timers and the sleeping primitives every other file may use.
        InitMm = new MmStruct(this) { MmUsers = 2, MmCount = 1 };
        Stacks = new KernelStacks(this);
        Sched = new Sched(this);
        Timer = new Timer(this);
        Semaphores = new Semaphores(this);
        Rwsem = new Rwsem(this);
        Process = new Process(this);
        // The simulation's driver: not the kernel's, but it owns nothing the kernel needs.
        Driver = new Driver(this);

        // mm/: physical memory, the allocators and the page tables.
        Numa = new Numa(this);
        Bootmem = new Bootmem(this);
        PageAlloc = new PageAlloc(this);
        Memory = new Memory(this);
        Slab = new Slab(this);
        Vmalloc = new Vmalloc(this);
        // mm/: address spaces and the OOM killer.
        Mmap = new Mmap(this);
        Mprotect = new Mprotect(this);
        Mremap = new Mremap(this);
        Mlock = new Mlock(this);
        OomKill = new OomKill(this);
        // mm/: the page cache, shared memory, and the reclaim and swap files not ported yet.
        Filemap = new Filemap(this);
        Shmem = new Shmem(this);
        Swap = new Swap(this);
        Vmscan = new Vmscan(this);
        SwapState = new SwapState(this);
        Swapfile = new Swapfile(this);
        PageIo = new PageIo(this);
        // fs/: the part mm/ stands on.
        FileTable = new FileTable(this);
        Dcache = new Dcache(this);
        InodeCache = new InodeCache(this);
        Super = new Super(this);
        // kernel/: signals, fork, exit, exec, and the system-call entry points.
        Signal = new Signal(this);
        Fork = new Fork(this);
        Exit = new Exit(this);
        Exec = new Exec(this);
        Syscalls = new Syscalls(this);
        // fs/proc: the files that show mm/ state.
        ProcMisc = new ProcMisc(this);
        ProcPid = new ProcPid(this);
        // The architecture's own objects (CPUs, MMU, fault handler, setup.c, init.c) last: they
        // may refer to the kernel's.
        arch.Attach(this);
    }

    /// <summary>The machine's RAM.</summary>
    public PhysicalMemory Phys { get; }

    /// <summary>The architecture (page-table layout, TLB, address-space split).</summary>
    public IArchitecture Arch { get; }

    /// <summary>Number of CPUs online.</summary>
    [Linux("include/linux/smp.h", "smp_num_cpus")]
    public int SmpNumCpus { get; }

    /// <summary>The CPU the simulation is executing on.</summary>
    [Linux("include/linux/smp.h", "smp_processor_id")]
    public int CurrentCpu { get; set; }

    /// <summary>Timer ticks since boot; advanced only by the simulation's clock, never by the host's.</summary>
    [Linux("kernel/timer.c", "jiffies")]
    public ulong Jiffies { get; set; }

    /// <summary>The host threads that carry the tasks' kernel stacks (the simulation's machinery, not the kernel's).</summary>
    public KernelStacks Stacks { get; }

    /// <summary>What drives the machine from outside: system calls of user processes, the clock. Not part of the kernel.</summary>
    public Driver Driver { get; }

    /// <summary>Ends the host threads of tasks that sleep in the kernel. The machine cannot run afterwards.</summary>
    public void Dispose() => Stacks.Dispose();

    /// <summary>mm/numa.c: the node descriptor of a non-NUMA machine.</summary>
    public Numa Numa { get; }

    /// <summary>mm/bootmem.c: the boot-time allocator.</summary>
    public Bootmem Bootmem { get; }

    /// <summary>mm/page_alloc.c: the buddy allocator and zones.</summary>
    public PageAlloc PageAlloc { get; }

    /// <summary>mm/memory.c: mem_map and the page-table helpers.</summary>
    public Memory Memory { get; }

    /// <summary>mm/slab.c: the slab allocator and kmalloc.</summary>
    public Slab Slab { get; }

    /// <summary>mm/vmalloc.c: virtually contiguous kernel allocations.</summary>
    public Vmalloc Vmalloc { get; }

    /// <summary>Physical address of a direct-mapped kernel virtual address (<c>__pa</c>).</summary>
    /// <param name="kaddr">A kernel virtual address at or above PAGE_OFFSET in the direct map.</param>
    [Linux("include/asm-i386/page.h", "__pa")]
    public ulong Pa(uint kaddr) => kaddr - Arch.PageOffset;

    /// <summary>Direct-map kernel virtual address of a low-memory physical address (<c>__va</c>).</summary>
    /// <param name="paddr">A physical address below the direct-map limit.</param>
    [Linux("include/asm-i386/page.h", "__va")]
    public uint Va(ulong paddr) => (uint)(paddr + Arch.PageOffset);
}
