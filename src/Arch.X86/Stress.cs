using System.Diagnostics;
using LinuxVm.Mm;
using LinuxVm.Mm.Arch;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.KernelModel;
using static LinuxVm.Mm.Include.PageConstants;

namespace LinuxVm.Arch.X86;

/// <summary>What a <see cref="Stress"/> run is asked to do.</summary>
/// <param name="Seed">Seeds the random choices: the same seed and options give the same run.</param>
/// <param name="Ops">How many operations to draw.</param>
/// <param name="Machine">The machine to boot: RAM, CPUs, PAE, PSE.</param>
public sealed record StressOptions(int Seed, int Ops, MachineConfig Machine);

/// <summary>What a clean <see cref="Stress"/> run did.</summary>
public sealed class StressResult
{
    /// <summary>Operations drawn and carried out (a drawn operation that found nothing to act on counts too).</summary>
    public int Ops { get; internal set; }

    /// <summary>Checker calls that passed: allocator, slab, vmalloc, each address space's VMAs and counters, each CPU's current and active_mm, the final leak check.</summary>
    public long InvariantChecks { get; internal set; }

    /// <summary>Bytes read back by user processes and compared with what was written.</summary>
    public long BytesVerified { get; internal set; }

    /// <summary>Bytes user processes wrote.</summary>
    public long BytesWritten { get; internal set; }

    /// <summary>How often each kind of operation was drawn.</summary>
    public SortedDictionary<string, int> OpCounts { get; } = new(StringComparer.Ordinal);

    /// <summary>Wall-clock time of the run, boot included.</summary>
    public TimeSpan Elapsed { get; internal set; }
}

/// <summary>A <see cref="Stress"/> run found the machine in a state it must never be in.</summary>
public sealed class StressFailureException : Exception
{
    /// <summary>Creates the failure report.</summary>
    /// <param name="message">What went wrong, with the seed and the operation.</param>
    /// <param name="inner">The exception that showed it, if any.</param>
    public StressFailureException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>
/// A seeded random stress run of the port (not part of it): a booted machine whose processes,
/// spread over its CPUs, fork, exit and are reaped, exec, map, unmap, protect, remap, lock and
/// grow their heap, write byte patterns and read them back, while the kernel allocates and frees
/// with kmalloc and vmalloc. After every operation every checker runs and every byte a process
/// still maps is read back and compared with a model of what it should hold.
/// </summary>
/// <remarks>
/// <para>The model keeps, per process and user page, the bytes written there and which of them are
/// known. A fork copies the parent's model to the child (the child sees the parent's data as of
/// the fork, and neither sees the other's later private writes); a write to a MAP_SHARED page
/// goes into the model of every process that maps that page of the same shmem file, wherever;
/// mremap moves and shrinks, munmap, brk and exec move or drop entries; a page whose region is
/// PROT_NONE is not read back until it is readable again, but an operation reads one on purpose
/// and requires the load to fail (its process then dies of the SIGSEGV and is reaped).</para>
/// <para>Inputs that hit flaws 2.4.20 has and the port keeps on purpose are never drawn: every
/// length is at least a page, so mremap never sees a new (or old) length of 0, which with
/// MREMAP_FIXED makes an empty region that a later munmap or exit BUG()s on (CVE-2003-0985, see
/// chapter 4, "What 2.4.20 does not check", and tests/Mm.Tests/Mremap/MremapEdgeCaseTests.cs);
/// and no address sum can wrap. What 2.4.20 does on legal inputs, such as a failing
/// MREMAP_FIXED or MAP_FIXED call that has already unmapped its target, the model follows.</para>
/// </remarks>
public sealed class Stress
{
    private const uint Window = 0x40000000;   // TASK_UNMAPPED_BASE: mmap activity stays in 64 pages from here
    private const int WindowPages = 64;
    private const int MaxLive = 6;
    private const int MaxHeld = 48;
    private static readonly uint[] Prots =
        [Mman.ProtRead | Mman.ProtWrite, Mman.ProtRead | Mman.ProtWrite, Mman.ProtRead, Mman.ProtRead | Mman.ProtWrite | Mman.ProtExec, Mman.ProtNone];

    private sealed class PageModel
    {
        public readonly byte[] Data = new byte[PageSize];
        public readonly bool[] Known = new bool[PageSize];
        public int Lo = (int)PageSize;
        public int Hi;

        public PageModel Clone()
        {
            var c = new PageModel { Lo = Lo, Hi = Hi };
            Data.CopyTo(c.Data, 0);
            Known.CopyTo(c.Known, 0);
            return c;
        }

        public void Store(int offset, ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(Data.AsSpan(offset));
            Known.AsSpan(offset, bytes.Length).Fill(true);
            Lo = Math.Min(Lo, offset);
            Hi = Math.Max(Hi, offset + bytes.Length);
        }
    }

    private readonly StressOptions _options;
    private readonly Random _rng;
    private readonly StressResult _result = new();
    private readonly List<TaskStruct> _live = [];
    private readonly List<TaskStruct> _zombies = [];
    private readonly Dictionary<(int Pid, uint Page), PageModel> _pages = [];
    private readonly List<(bool Vmalloc, uint Addr)> _held = [];
    private Machine _machine = null!;
    private Kernel _k = null!;
    private TaskStruct _init = null!;
    private string _op = "boot";
    private int _names;

    private Stress(StressOptions options)
    {
        _options = options;
        _rng = new Random(options.Seed);
    }

    /// <summary>Boots the machine <paramref name="options"/> describe and runs the operations on it.</summary>
    /// <param name="options">Seed, operations and machine.</param>
    /// <returns>What the run did; it was clean.</returns>
    /// <exception cref="StressFailureException">A checker failed, a byte read back differs from the model, or the kernel panicked; the message names the seed, the operation and what differed.</exception>
    public static StressResult Run(StressOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Ops);
        ArgumentNullException.ThrowIfNull(options.Machine);
        return new Stress(options).Run();
    }

    private StressResult Run()
    {
        var clock = Stopwatch.StartNew();
        using Machine machine = Machine.Boot(_options.Machine);
        _machine = machine;
        _k = machine.Kernel;
        int step = -1;
        try
        {
            _init = _k.Driver.Spawn("init");
            uint baseline = FreeAndCached();
            _live.Add(_k.Driver.Spawn(NextName(), _init, new ProgramImage("a")));
            _live.Add(_k.Driver.Spawn(NextName(), _init, new ProgramImage("b")));
            CheckAll();
            for (step = 0; step < _options.Ops; step++)
            {
                Step();
                _result.Ops++;
                CheckAll();
            }
            step = -1;
            _op = "final exit of every process";
            foreach (TaskStruct t in _live.ToList())
                ExitTask(t);
            foreach (TaskStruct z in _zombies.ToList())
                Reap(z);
            foreach (var h in _held.ToList())
                FreeHeld(h);
            CheckAll();
            uint now = FreeAndCached();
            Require(now == baseline, $"pages lost: {baseline} free, cached or in slabs after boot, {now} after every process exited; {Census()}");
            _result.InvariantChecks++;
        }
        catch (StressFailureException e)
        {
            throw Fail(step, e.Message, e.InnerException);
        }
        catch (Exception e)
        {
            throw Fail(step, e.GetType().Name + ": " + e.Message, e);
        }
        _result.Elapsed = clock.Elapsed;
        return _result;

        StressFailureException Fail(int at, string what, Exception? inner) =>
            new($"stress seed {_options.Seed}, {_options.Machine.Cpus} CPU(s), {_options.Machine.RamBytes >> 20} MiB{(_options.Machine.Pae ? ", PAE" : "")}, {_options.Ops} ops: {(at >= 0 ? $"op {at} " : "")}({_op}): {what}", inner);

        static void Require(bool ok, string what)
        {
            if (!ok)
                throw new StressFailureException(what);
        }
    }

    // Pages free, cached or kept by design; constant across a run once every process has exited
    // and every kernel allocation is freed. Besides the free pages: the page tables on every CPU's
    // quicklists; the pages in slabs (caches keep their empty slabs until reaped); the page
    // tables vmalloc made for its range (2.4 never frees them); and the page directories of the
    // address spaces an idle CPU still borrows as active_mm (lazy TLB: the last mmdrop comes when
    // that CPU next switches to a process with an mm of its own).
    private uint FreeAndCached()
    {
        uint pages = _k.PageAlloc.NrFreePages() + (uint)_k.Slab.PagesInSlabs();
        foreach (Cpu c in _machine.Arch.Cpus)
            pages += c.PgtableCacheSz;
        I386 a = _machine.Arch;
        for (uint addr = a.VmallocStart & PmdMask(a); addr < a.VmallocEnd; addr += PmdSpan(a))
        {
            PmdPtr pmd = a.PmdOffset(a.PgdOffsetK(addr), addr);
            if (!a.ReadPmd(pmd).None)
                pages++;
        }
        var lazy = new HashSet<MmStruct>();
        for (int cpu = 0; cpu < _options.Machine.Cpus; cpu++)
            if (_k.Sched.CpuCurr(cpu).ActiveMm is { MmUsers: 0 } mm && mm != _k.InitMm && lazy.Add(mm))
                pages += _options.Machine.Pae ? (uint)a.UserPtrsPerPgd : 1u;   // get_pgd_slow: PAE's pgd itself is in a slab
        return pages;
    }

    private static uint PmdSpan(I386 a) => PageSize * (uint)a.PtrsPerPte;

    private static uint PmdMask(I386 a) => ~(PmdSpan(a) - 1);

    // Who is still there, for a leak report: the tasks, and each CPU's current and active_mm.
    private string Census()
    {
        var tasks = _k.Sched.ForEachTask().Select(p => $"{p.Pid} {p.Comm} state {p.State}");
        var cpus = Enumerable.Range(0, _options.Machine.Cpus).Select(c =>
        {
            TaskStruct curr = _k.Sched.CpuCurr(c);
            MmStruct? mm = curr.ActiveMm;
            return $"CPU {c}: {curr.Pid} {curr.Comm}, active_mm {(mm == null ? "null" : mm == _k.InitMm ? "init_mm" : $"mm_users {mm.MmUsers} mm_count {mm.MmCount} rss {mm.Rss}")}";
        });
        return $"tasks [{string.Join("; ", tasks)}]; {string.Join("; ", cpus)}";
    }

    private string NextName() => "p" + _names++;

    private void Count(string kind)
    {
        _op = kind;
        _result.OpCounts[kind] = _result.OpCounts.GetValueOrDefault(kind) + 1;
    }

    private uint Page(int n) => Window + (uint)n * PageSize;

    private void Step()
    {
        _k.CurrentCpu = _rng.Next(_options.Machine.Cpus);
        if (_live.Count == 0)
        {
            Count("spawn");
            _live.Add(_k.Driver.Spawn(NextName(), _init, new ProgramImage("c")));
            return;
        }
        TaskStruct t = _live[_rng.Next(_live.Count)];
        Syscalls s = _k.Syscalls;
        uint a = Page(_rng.Next(WindowPages));
        uint len = (uint)(_rng.Next(8) + 1) * PageSize;
        uint prot = Prots[_rng.Next(Prots.Length)];
        int roll = _rng.Next(100);
        switch (roll)
        {
            case < 9:
                {
                    bool fixedAddr = _rng.Next(2) == 0;
                    bool shared = _rng.Next(3) == 0;
                    Count(shared ? "mmap shared" : "mmap private");
                    uint flags = (shared ? Mman.MapShared : Mman.MapPrivate) | Mman.MapAnonymous | (fixedAddr ? Mman.MapFixed : 0);
                    uint r = _k.Driver.RunAs(t, () => s.Mmap(fixedAddr ? a : 0, len, prot, flags));
                    // MAP_FIXED unmaps the target before checks that may still fail (as in 2.4).
                    if (fixedAddr)
                        Forget(t, a, a + len);
                    if (!Syscalls.IsError(r))
                        Forget(t, r, r + len);
                    break;
                }
            case < 15:
                Count("munmap");
                if (_k.Driver.RunAs(t, () => s.Munmap(a, len)) == 0)
                    Forget(t, a, a + len);
                break;
            case < 22:
                Count("mprotect");
                _k.Driver.RunAs(t, () => s.Mprotect(a, len, prot));
                break;
            case < 29:
                Mremap(t, a, len);
                break;
            case < 32:
                Count("mlock");
                _k.Driver.RunAs(t, () => s.Mlock(a, len));
                break;
            case < 35:
                Count("munlock");
                _k.Driver.RunAs(t, () => s.Munlock(a, len));
                break;
            case < 36:
                {
                    int flags = _rng.Next(3) + 1;   // MCL_CURRENT, MCL_FUTURE or both
                    Count("mlockall");
                    _k.Driver.RunAs(t, () => s.Mlockall(flags));
                    break;
                }
            case < 38:
                Count("munlockall");
                _k.Driver.RunAs(t, () => s.Munlockall());
                break;
            case < 43:
                {
                    Count("brk");
                    MmStruct mm = t.Mm!;
                    uint newBrk = mm.StartBrk + (uint)_rng.Next(16 * (int)PageSize);
                    uint old = mm.Brk;
                    uint r = _k.Driver.RunAs(t, () => s.Brk(newBrk));
                    if (r < old)
                        Forget(t, (r + PageSize - 1) & PageMask, (old + PageSize - 1) & PageMask);
                    break;
                }
            case < 47:
                Fork(t);
                break;
            case < 50:
                Count("exit");
                if (_live.Count > 1)
                    ExitTask(t);
                break;
            case < 53:
                Count("wait4");
                if (_zombies.Count > 0)
                    Reap(_zombies[_rng.Next(_zombies.Count)]);
                break;
            case < 55:
                Exec(t);
                break;
            case < 56:
                ReadProtNone(t);
                break;
            case < 62:
                KernelAlloc(t);
                break;
            case < 66:
                Count("kfree/vfree");
                if (_held.Count > 0)
                    FreeHeld(_held[_rng.Next(_held.Count)]);
                break;
            default:
                UserWrite(t);
                break;
        }
    }

    private void Mremap(TaskStruct t, uint a, uint len)
    {
        Count("mremap");
        MmStruct mm = t.Mm!;
        VmAreaStruct? vma = _k.Mmap.FindVma(mm, a);
        if (vma == null || vma.VmStart > a)
            return;
        uint oldLen = Math.Min(len, vma.VmEnd - a);
        // Never 0: see the remarks on the class.
        uint newLen = (uint)(_rng.Next(8) + 1) * PageSize;
        int how = _rng.Next(4);
        uint flags = how switch { 0 => 0, 1 or 2 => Mman.MremapMaymove, _ => Mman.MremapMaymove | Mman.MremapFixed };
        uint target = how == 3 ? Page(_rng.Next(WindowPages)) : 0;
        uint r = _k.Driver.RunAs(t, () => _k.Syscalls.Mremap(a, oldLen, newLen, flags, target));
        if (Syscalls.IsError(r))
        {
            if (how == 3)
            {
                // A refused MREMAP_FIXED may already have unmapped its target and the tail (2.4's
                // order of steps); drop whatever the process no longer maps.
                PruneUnmapped(t);
            }
            return;
        }
        if (how == 3)
        {
            // The old range's data moves over whatever was at the target (which was unmapped).
            var moved = Take(t, a, a + Math.Min(oldLen, newLen));
            Forget(t, a, a + oldLen);
            Forget(t, r, r + newLen);
            foreach (var (page, model) in moved)
                _pages[(t.Pid, r + (page - a))] = model;
            return;
        }
        if (newLen < oldLen)
            Forget(t, a + newLen, a + oldLen);
        else if (r != a)
        {
            var moved = Take(t, a, a + oldLen);
            foreach (var (page, model) in moved)
                _pages[(t.Pid, r + (page - a))] = model;
        }
    }

    private void Fork(TaskStruct t)
    {
        Count("fork");
        if (_live.Count >= MaxLive)
            return;
        int pid = _k.Driver.RunAs(t, () => _k.Fork.DoFork((uint)Signal.Sigchld));
        if (pid <= 0)
            throw new StressFailureException($"fork failed with {pid}");
        TaskStruct child = _k.Sched.FindTaskByPid(pid)!;
        _live.Add(child);
        foreach (var e in _pages.Where(e => e.Key.Pid == t.Pid).ToList())
            _pages[(pid, e.Key.Page)] = e.Value.Clone();
    }

    private void ExitTask(TaskStruct t)
    {
        int pid = t.Pid;
        _k.Driver.RunAs(t, () => _k.Exit.DoExit(0));
        Died(t, pid);
    }

    private void Died(TaskStruct t, int pid)
    {
        if (t.State != Sched.TaskZombie)
            throw new StressFailureException($"task {pid} ran do_exit but is in state {t.State}, not a zombie");
        _live.Remove(t);
        _zombies.Add(t);
        foreach (var key in _pages.Keys.Where(key => key.Pid == pid).ToList())
            _pages.Remove(key);
    }

    private void Reap(TaskStruct z)
    {
        int pid = z.Pid;
        TaskStruct parent = z.PPptr;
        int r = _k.Driver.RunAs(parent, () => _k.Exit.SysWait4(pid));
        if (r != pid)
            throw new StressFailureException($"wait4({pid}) by {parent.Pid} returned {r}");
        _zombies.Remove(z);
    }

    private void Exec(TaskStruct t)
    {
        Count("exec");
        int pid = t.Pid;
        var image = new ProgramImage("x" + _rng.Next(4), TextSize: (uint)(_rng.Next(4) + 1) * PageSize, DataSize: (uint)(_rng.Next(3) + 1) * PageSize, BssSize: (uint)_rng.Next(4) * PageSize);
        int r = _k.Driver.RunAs(t, () => _k.Exec.ExecProgram(image));
        if (t.State == Sched.TaskZombie)
        {
            Died(t, pid);
            return;
        }
        if (r != 0)
            throw new StressFailureException($"exec of {image.Name} failed with {r}");
        foreach (var key in _pages.Keys.Where(key => key.Pid == pid).ToList())
            _pages.Remove(key);
    }

    // A load from a PROT_NONE region must fail; the process then takes its SIGSEGV and dies.
    private void ReadProtNone(TaskStruct t)
    {
        Count("read PROT_NONE");
        VmAreaStruct? none = null;
        for (VmAreaStruct? v = t.Mm!.Mmap; v != null; v = v.VmNext)
            if ((v.VmFlags & (VmFlags.Read | VmFlags.Write | VmFlags.Exec)) == 0)
                none = v;
        if (none == null || _live.Count < 2)
            return;
        int pid = t.Pid;
        uint addr = none.VmStart + (uint)_rng.Next((int)((none.VmEnd - none.VmStart) / 4)) * 4;
        uint? got = _machine.Arch.User.ReadU32(t, addr);
        if (got != null)
            throw new StressFailureException($"task {pid} read 0x{got:x8} at 0x{addr:x8} in PROT_NONE region {none}");
        _result.InvariantChecks++;
        _k.Driver.RunUntil(() => t.State == Sched.TaskZombie, $"task {pid} dying of SIGSEGV");
        Died(t, pid);
    }

    private void KernelAlloc(TaskStruct t)
    {
        bool vmalloc = _rng.Next(3) == 0;
        Count(vmalloc ? "vmalloc" : "kmalloc");
        if (_held.Count >= MaxHeld)
            return;
        uint addr = vmalloc
            ? _k.Driver.RunAs(t, () => _k.Vmalloc.Alloc((uint)_rng.Next(1, 8 * (int)PageSize)))
            : _k.Driver.RunAs(t, () => _k.Slab.Kmalloc((uint)(_rng.Next(4) == 0 ? _rng.Next(1, 32768) : _rng.Next(1, 512)), Gfp.Kernel));
        if (addr == 0)
            throw new StressFailureException($"{(vmalloc ? "vmalloc" : "kmalloc")} failed");
        _held.Add((vmalloc, addr));
    }

    private void FreeHeld((bool Vmalloc, uint Addr) h)
    {
        TaskStruct t = _live.Count > 0 ? _live[_rng.Next(_live.Count)] : _init;
        if (h.Vmalloc)
            _k.Driver.RunAs(t, () => _k.Vmalloc.Vfree(h.Addr));
        else
            _k.Driver.RunAs(t, () => _k.Slab.Kfree(h.Addr));
        _held.Remove(h);
    }

    // A byte pattern written somewhere the process may write: any writable region (heap, data,
    // bss, stack and the mmap window), inside one page.
    private void UserWrite(TaskStruct t)
    {
        Count("write");
        var vmas = new List<VmAreaStruct>();
        for (VmAreaStruct? v = t.Mm!.Mmap; v != null; v = v.VmNext)
            if ((v.VmFlags & VmFlags.Write) != 0)
                vmas.Add(v);
        if (vmas.Count == 0)
            return;
        VmAreaStruct vma = vmas[_rng.Next(vmas.Count)];
        uint page = vma.VmStart + (uint)_rng.Next((int)((vma.VmEnd - vma.VmStart) / PageSize)) * PageSize;
        int length = _rng.Next(1, 65);
        int offset = _rng.Next((int)PageSize - length + 1);
        var bytes = new byte[length];
        _rng.NextBytes(bytes);
        uint index = 0;
        Mm.Fs.File? file = vma.VmFile;
        if (file != null)
        {
            // A shared region grown in place by mremap reaches past its file's end, where a
            // fault is SIGBUS: write only inside the file.
            index = (page - vma.VmStart) / PageSize + vma.VmPgoff;
            if ((long)index * PageSize >= file.FDentry!.DInode!.ISize)
                return;
        }
        if (!_machine.Arch.User.Write(t, page + (uint)offset, bytes))
            throw new StressFailureException($"task {t.Pid} could not write {length} bytes at 0x{page + (uint)offset:x8} in {vma}");
        _result.BytesWritten += length;
        if (file == null)
        {
            Model(t.Pid, page).Store(offset, bytes);
            return;
        }
        // Every mapping of that page of the file, in any process, now holds the bytes.
        foreach (TaskStruct p in _live)
        {
            for (VmAreaStruct? v = p.Mm!.Mmap; v != null; v = v.VmNext)
            {
                if (v.VmFile != file || index < v.VmPgoff)
                    continue;
                uint at = v.VmStart + (index - v.VmPgoff) * PageSize;
                if (at >= v.VmStart && at < v.VmEnd)
                    Model(p.Pid, at).Store(offset, bytes);
            }
        }
    }

    private PageModel Model(int pid, uint page)
    {
        if (!_pages.TryGetValue((pid, page), out PageModel? m))
            _pages[(pid, page)] = m = new PageModel();
        return m;
    }

    private void Forget(TaskStruct t, uint start, uint end) => Take(t, start, end);

    private List<(uint Page, PageModel Model)> Take(TaskStruct t, uint start, uint end)
    {
        var taken = new List<(uint, PageModel)>();
        foreach (var key in _pages.Keys.Where(k => k.Pid == t.Pid && k.Page >= start && k.Page < end).ToList())
        {
            taken.Add((key.Page, _pages[key]));
            _pages.Remove(key);
        }
        return taken;
    }

    private void PruneUnmapped(TaskStruct t)
    {
        foreach (var key in _pages.Keys.Where(k => k.Pid == t.Pid).ToList())
            if (_k.Mmap.FindVma(t.Mm, key.Page) is not { } v || v.VmStart > key.Page)
                _pages.Remove(key);
    }

    private void CheckAll()
    {
        _k.PageAlloc.CheckInvariants();
        _k.Slab.CheckInvariants();
        _k.Vmalloc.CheckInvariants();
        _result.InvariantChecks += 3;
        // Every region of every address space on the mmlist is one vm_area_struct object, and no
        // object is in use without a region: a region leaked or freed twice shows here.
        long regions = _k.InitMm.Mmlist.Entries<MmStruct>().Sum(mm => (long)mm.MapCount);
        long objects = Slab.ObjectsInUse(_k.Fork.VmAreaCachep!);
        if (regions != objects)
            throw new StressFailureException($"{regions} regions on the mmlist, {objects} vm_area_struct objects in use");
        _result.InvariantChecks++;
        foreach (TaskStruct p in _live)
        {
            _k.Mmap.CheckVmas(p.Mm!);
            _result.InvariantChecks++;
        }
        for (int cpu = 0; cpu < _options.Machine.Cpus; cpu++)
        {
            TaskStruct curr = _k.Sched.CpuCurr(cpu);
            if (curr.State == Sched.TaskZombie)
                throw new StressFailureException($"CPU {cpu} runs zombie {curr.Pid} ({curr.Comm})");
            if (curr.ActiveMm is not { } active || active.MmCount <= 0)
                throw new StressFailureException($"CPU {cpu} runs {curr.Pid} ({curr.Comm}) with active_mm {(curr.ActiveMm == null ? "null" : $"mm_count {curr.ActiveMm.MmCount}")}");
            _result.InvariantChecks++;
        }
        VerifyBytes();
    }

    // Every byte the model knows is read back by its process, one system call per process.
    private void VerifyBytes()
    {
        foreach (var group in _pages.GroupBy(e => e.Key.Pid))
        {
            TaskStruct t = _live.First(p => p.Pid == group.Key);
            MmStruct mm = t.Mm!;
            _k.Driver.RunAs(t, () =>
            {
                foreach (var (key, m) in group)
                {
                    if (m.Hi <= m.Lo)
                        continue;
                    VmAreaStruct? v = _k.Mmap.FindVma(mm, key.Page);
                    if (v == null || v.VmStart > key.Page)
                        throw new StressFailureException($"task {t.Pid} wrote to page 0x{key.Page:x8}, which it no longer maps");
                    // A PROT_NONE page cannot be loaded (ReadProtNone checks that); it is compared
                    // again once a later mprotect makes it readable.
                    if ((v.VmFlags & VmFlags.Read) == 0)
                        continue;
                    var buf = new byte[m.Hi - m.Lo];
                    if (!_machine.Arch.User.Read(key.Page + (uint)m.Lo, buf))
                        throw new StressFailureException($"task {t.Pid} could not read page 0x{key.Page:x8} of {v}");
                    for (int i = 0; i < buf.Length; i++)
                    {
                        int at = m.Lo + i;
                        if (m.Known[at] && buf[i] != m.Data[at])
                            throw new StressFailureException($"task {t.Pid} reads 0x{buf[i]:x2} at 0x{key.Page + (uint)at:x8} in {v}, wrote 0x{m.Data[at]:x2}");
                    }
                    for (int i = m.Lo; i < m.Hi; i++)
                        if (m.Known[i])
                            _result.BytesVerified++;
                }
            });
        }
    }
}
