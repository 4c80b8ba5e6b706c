using LinuxVm.Arch.X86;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.KernelModel;

namespace LinuxVm.Mm.Tests.KernelModel;

/// <summary>
/// The slab caches of kernel/fork.c (proc_caches_init): every memory region, address-space
/// descriptor and signal handler table is an object of its cache, so /proc/slabinfo counts them
/// and their allocation can fail. When it fails, each system call takes the error path of
/// 2.4.20's C, checked here against mm/mmap.c, mm/mlock.c, mm/mprotect.c, mm/mremap.c and
/// kernel/fork.c.
/// </summary>
public class ProcCachesTests
{
    private const uint Page = 0x1000;
    private const uint Base = 0x40000000;
    private const uint Anon = Mman.MapPrivate | Mman.MapAnonymous;

    // A 16 MiB PC with init and one program, and its regions as (start, end, flags).
    private sealed class Pc : IDisposable
    {
        public Pc(bool debugSlab = false, int cpus = 1)
        {
            M = Machine.Boot(new MachineConfig { RamBytes = 16u << 20, DebugSlab = debugSlab, Cpus = cpus });
            K = M.Kernel;
            K.Mmap.DebugMmRb = true;
            K.Driver.Spawn("init", image: new ProgramImage("init"));
            P = K.Driver.Spawn("prog", image: new ProgramImage("prog"));
        }

        public Machine M { get; }
        public Kernel K { get; }
        public TaskStruct P { get; }

        public void Dispose() => M.Dispose();

        public T Run<T>(Func<Syscalls, T> call) => K.Driver.RunAs(P, () => call(K.Syscalls));

        public List<(uint Start, uint End, uint Flags)> Regions(TaskStruct? t = null)
        {
            var list = new List<(uint, uint, uint)>();
            for (VmAreaStruct? v = (t ?? P).Mm!.Mmap; v != null; v = v.VmNext)
                list.Add((v.VmStart, v.VmEnd, v.VmFlags));
            return list;
        }

        // Objects of the named cache handed out and not freed.
        public long InUse(string cache) =>
            Mm.Slab.ObjectsInUse(K.Slab.FindCache(cache) ?? throw new InvalidOperationException($"no cache {cache}"));

        // No free object left in the named caches (taken without growing them), and no page left
        // that a GFP_KERNEL allocation may take: the next kmem_cache_alloc from them must grow the
        // cache, and growing fails. Returns the pages taken.
        public List<Page> Exhaust(params string[] caches)
        {
            foreach (string name in caches)
            {
                KmemCache c = K.Slab.FindCache(name) ?? throw new InvalidOperationException($"no cache {name}");
                while (K.Slab.KmemCacheAlloc(c, SlabFlags.Kernel | SlabFlags.NoGrow) != 0)
                {
                }
            }
            var taken = new List<Page>();
            K.Driver.RunAs(P, () =>
            {
                while (K.PageAlloc.AllocPage(Gfp.Kernel) is Page page)
                    taken.Add(page);
            });
            return taken;
        }
    }

    [Fact]
    public void ProcCachesInit_CreatesFiveCaches_InItsOrder_WithTheI386Sizes()
    {
        using var pc = new Pc();
        string[] lines = pc.K.Slab.ReadSlabinfo().Split('\n');
        // The chain lists the newest cache first: proc_caches_init made signal_act first and
        // mm_struct last. SLAB_HWCACHE_ALIGN rounds each struct (1288, 416, 36, 68 and 136 bytes
        // on i386) up to a whole number of 32-byte L1 lines.
        var expected = new[] { ("mm_struct", 160u), ("vm_area_struct", 96u), ("fs_cache", 64u), ("files_cache", 416u), ("signal_act", 1312u) };
        int first = Array.FindIndex(lines, l => l.StartsWith("mm_struct ", StringComparison.Ordinal));
        Assert.True(first > 0, "mm_struct is not in /proc/slabinfo");
        for (int i = 0; i < expected.Length; i++)
        {
            string[] f = lines[first + i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(expected[i].Item1, f[0]);
            Assert.Equal(expected[i].Item2, uint.Parse(f[3]));
        }
        // Nothing in the model opens files or keeps a working directory: those two stay empty.
        Assert.Equal(0, pc.InUse("files_cache"));
        Assert.Equal(0, pc.InUse("fs_cache"));
    }

    [Fact]
    public void EveryRegionDescriptorAndHandlerTable_IsAnObjectOfItsCache_AndExitGivesThemBack()
    {
        using var pc = new Pc();
        Kernel k = pc.K;
        TaskStruct[] tasks = [.. k.Sched.ForEachTask().Where(t => t.Mm != null)];
        int regions = tasks.Sum(t => pc.Regions(t).Count);
        Assert.True(regions >= 8, $"only {regions} regions");
        Assert.Equal(regions, pc.InUse("vm_area_struct"));
        Assert.Equal(tasks.Length, pc.InUse("mm_struct"));
        Assert.Equal(tasks.Length, pc.InUse("signal_act"));

        // Each region's storage is an object of vm_area_struct, and no two share one.
        KmemCache vmaCache = k.Slab.FindCache("vm_area_struct")!;
        var objects = new HashSet<uint>();
        foreach (TaskStruct t in tasks)
            for (VmAreaStruct? v = t.Mm!.Mmap; v != null; v = v.VmNext)
            {
                Assert.True(objects.Add(v.Objp), $"{v} shares its object");
                Assert.Same(vmaCache, k.Slab.GetPageCache(k.VirtToPage(v.Objp)));
            }
        Assert.Same(k.Slab.FindCache("mm_struct"), k.Slab.GetPageCache(k.VirtToPage(pc.P.Mm!.Objp)));

        // A child's copies are objects too; the child's exit and reaping returns every one.
        int mine = pc.Regions().Count;
        int pid = k.Driver.RunAs(pc.P, () => k.Fork.DoFork((uint)Signal.Sigchld));
        Assert.True(pid > 0);
        Assert.Equal(regions + mine, pc.InUse("vm_area_struct"));
        Assert.Equal(tasks.Length + 1, pc.InUse("mm_struct"));
        TaskStruct child = k.Sched.FindTaskByPid(pid)!;
        k.Driver.RunAs(child, () => k.Exit.DoExit(0));
        k.Driver.RunAs(pc.P, () => k.Exit.SysWait4(pid));
        Assert.Equal(regions, pc.InUse("vm_area_struct"));
        Assert.Equal(tasks.Length, pc.InUse("mm_struct"));
        Assert.Equal(tasks.Length, pc.InUse("signal_act"));
        k.Slab.CheckInvariants();
    }

    [Fact]
    public void Munmap_WithNoRegionToSpare_FailsWithEnomem_EvenForAWholeRegion_AndChangesNothing()
    {
        // do_munmap takes its spare region before it touches anything, whether or not a split
        // will need it: with none to be had, even unmapping one whole region fails.
        using var pc = new Pc();
        Assert.Equal(Base, pc.Run(s => s.Mmap(Base, 4 * Page, Mman.ProtRead, Anon | Mman.MapFixed)));
        var before = pc.Regions();
        pc.Exhaust("vm_area_struct");

        Assert.Equal(-Errno.Enomem, pc.Run(s => s.Munmap(Base + Page, Page)));
        Assert.Equal(-Errno.Enomem, pc.Run(s => s.Munmap(Base, 4 * Page)));
        Assert.Equal(before, pc.Regions());
        // Unmapping where nothing is mapped returns before the spare is asked for.
        Assert.Equal(0, pc.Run(s => s.Munmap(Base + 0x100000, Page)));
    }

    [Fact]
    public void Mlock_OfPartOfARegion_WithNoRegionForTheSplit_FailsWithEagain_AndLocksNothing()
    {
        using var pc = new Pc();
        Assert.Equal(Base, pc.Run(s => s.Mmap(Base, 4 * Page, Mman.ProtRead, Anon | Mman.MapFixed)));
        var before = pc.Regions();
        pc.Exhaust("vm_area_struct");

        // The start, the end and the middle: one split, one split, two.
        Assert.Equal(-Errno.Eagain, pc.Run(s => s.Mlock(Base, Page)));
        Assert.Equal(-Errno.Eagain, pc.Run(s => s.Mlock(Base + 3 * Page, Page)));
        Assert.Equal(-Errno.Eagain, pc.Run(s => s.Mlock(Base + Page, 2 * Page)));
        Assert.Equal(before, pc.Regions());
        Assert.Equal(0u, pc.P.Mm!.LockedVm);
        // The whole region needs no new one.
        Assert.Equal(0, pc.Run(s => s.Mlock(Base, 4 * Page)));
        Assert.Equal(4u, pc.P.Mm!.LockedVm);
    }

    [Fact]
    public void Mprotect_OfPartOfARegion_WithNoRegionForTheSplit_FailsWithEnomem()
    {
        using var pc = new Pc();
        Assert.Equal(Base, pc.Run(s => s.Mmap(Base, 4 * Page, Mman.ProtRead, Anon | Mman.MapFixed)));
        var before = pc.Regions();
        pc.Exhaust("vm_area_struct");

        Assert.Equal(-Errno.Enomem, pc.Run(s => s.Mprotect(Base, Page, Mman.ProtNone)));
        Assert.Equal(-Errno.Enomem, pc.Run(s => s.Mprotect(Base + 3 * Page, Page, Mman.ProtNone)));
        Assert.Equal(-Errno.Enomem, pc.Run(s => s.Mprotect(Base + Page, Page, Mman.ProtNone)));
        Assert.Equal(before, pc.Regions());
    }

    [Fact]
    public void Mmap_WithNoRegionToAllocate_FailsWithEnomem_UnlessItMergesIntoTheRegionBelow()
    {
        using var pc = new Pc();
        Assert.Equal(Base, pc.Run(s => s.Mmap(Base, Page, Mman.ProtRead, Anon | Mman.MapFixed)));
        pc.Exhaust("vm_area_struct");

        // Read-only private memory is not committed, so vm_enough_memory is not what refuses it.
        uint far = pc.Run(s => s.Mmap(Base + 0x100000, Page, Mman.ProtRead, Anon | Mman.MapFixed));
        Assert.Equal(unchecked((uint)-Errno.Enomem), far);
        // Right above a region with the same flags, vma_merge stretches that region instead.
        Assert.Equal(Base + Page, pc.Run(s => s.Mmap(Base + Page, Page, Mman.ProtRead, Anon | Mman.MapFixed)));
        Assert.Contains((Base, Base + 2 * Page, pc.Regions().First(r => r.Start == Base).Flags), pc.Regions());
    }

    [Fact]
    public void Mremap_ThatMustMove_WithNoRegionForTheNewPlace_FailsWithEnomem_AndLeavesTheOld()
    {
        using var pc = new Pc();
        Assert.Equal(Base, pc.Run(s => s.Mmap(Base, 2 * Page, Mman.ProtRead, Anon | Mman.MapFixed)));
        // A neighbour right above stops it growing in place.
        Assert.Equal(Base + 2 * Page, pc.Run(s => s.Mmap(Base + 2 * Page, Page, Mman.ProtRead | Mman.ProtExec, Anon | Mman.MapFixed)));
        var before = pc.Regions();
        pc.Exhaust("vm_area_struct");

        uint r = pc.Run(s => s.Mremap(Base, 2 * Page, 4 * Page, Mman.MremapMaymove));
        Assert.Equal(unchecked((uint)-Errno.Enomem), r);
        Assert.Equal(before, pc.Regions());
    }

    [Fact]
    public void Fork_WithNoRegionForTheChild_FailsWithEnomem_AndUndoesEverything()
    {
        using var pc = new Pc();
        Kernel k = pc.K;
        // A free handler table and descriptor wait in their caches, and one page is left for the
        // child's page directory: fork gets as far as copying the regions.
        foreach (string name in new[] { "signal_act", "mm_struct" })
        {
            KmemCache c = k.Slab.FindCache(name)!;
            k.Slab.KmemCacheFree(c, k.Slab.KmemCacheAlloc(c, SlabFlags.Kernel));
        }
        List<Page> taken = pc.Exhaust("vm_area_struct");
        k.PageAlloc.FreePage(taken[^1]);
        uint free = k.PageAlloc.NrFreePages();
        int tasks = k.Sched.ForEachTask().Count();
        long mms = pc.InUse("mm_struct"), sigs = pc.InUse("signal_act"), vmas = pc.InUse("vm_area_struct");
        int mmlist = k.Fork.MmlistNr;
        var before = pc.Regions();

        int pid = k.Driver.RunAs(pc.P, () => k.Fork.DoFork((uint)Signal.Sigchld));

        // dup_mmap fails on the first region; copy_mm's mmput tears the half-made child's address
        // space down and frees its descriptor, and do_fork drops its handler table.
        Assert.Equal(-Errno.Enomem, pid);
        Assert.Equal(tasks, k.Sched.ForEachTask().Count());
        Assert.Equal(mms, pc.InUse("mm_struct"));
        Assert.Equal(sigs, pc.InUse("signal_act"));
        Assert.Equal(vmas, pc.InUse("vm_area_struct"));
        Assert.Equal(mmlist, k.Fork.MmlistNr);
        Assert.Equal(free, k.PageAlloc.NrFreePages());
        Assert.Equal(before, pc.Regions());
    }

    [Fact]
    public void Fork_WithNoHandlerTable_FailsWithEnomem_BeforeAnyAddressSpaceIsMade()
    {
        using var pc = new Pc();
        Kernel k = pc.K;
        pc.Exhaust("signal_act");
        long mms = pc.InUse("mm_struct"), vmas = pc.InUse("vm_area_struct");

        Assert.Equal(-Errno.Enomem, k.Driver.RunAs(pc.P, () => k.Fork.DoFork((uint)Signal.Sigchld)));
        Assert.Equal(mms, pc.InUse("mm_struct"));
        Assert.Equal(vmas, pc.InUse("vm_area_struct"));
        // A thread shares the table instead, and needs no new one; it shares the address space too.
        int pid = k.Driver.RunAs(pc.P, () => k.Fork.DoFork(Fork.CloneVm | Fork.CloneSighand | (uint)Signal.Sigchld));
        Assert.True(pid > 0, $"clone failed: {pid}");
    }

    [Fact]
    public void AHandlerTableSharedByThreads_IsFreedWithItsLastUser()
    {
        using var pc = new Pc();
        Kernel k = pc.K;
        long sigs = pc.InUse("signal_act");
        int pid = k.Driver.RunAs(pc.P, () => k.Fork.DoFork(Fork.CloneVm | Fork.CloneThread | Fork.CloneSighand | (uint)Signal.Sigchld));
        TaskStruct thread = k.Sched.FindTaskByPid(pid)!;
        Assert.Same(pc.P.Sig, thread.Sig);
        Assert.Equal(2, pc.P.Sig!.Count);
        Assert.Equal(sigs, pc.InUse("signal_act"));

        SignalStruct table = pc.P.Sig;
        k.Driver.RunAs(thread, () => k.Exit.DoExit(0));
        Assert.Equal(1, table.Count);
        Assert.Equal(sigs, pc.InUse("signal_act"));
        k.Driver.RunAs(pc.P, () => k.Exit.DoExit(0));
        Assert.Equal(0, table.Count);
        Assert.Equal(sigs - 1, pc.InUse("signal_act"));
        Assert.Equal(0u, table.Objp);
    }

    [Fact]
    public void WithDebugSlab_RegionsDescriptorsAndTables_PassTheRedZoneAndPoisonChecks()
    {
        // CONFIG_DEBUG_SLAB red-zones and poisons these caches (small, no constructor), and checks
        // every free: a region freed twice or to the wrong cache would stop the machine.
        using var pc = new Pc(debugSlab: true, cpus: 2);
        Kernel k = pc.K;
        Assert.Equal(Base, pc.Run(s => s.Mmap(Base, 8 * Page, Mman.ProtRead | Mman.ProtWrite, Anon | Mman.MapFixed)));
        Assert.Equal(0, pc.Run(s => s.Munmap(Base + 2 * Page, Page)));
        Assert.Equal(0, pc.Run(s => s.Mprotect(Base + 4 * Page, Page, Mman.ProtRead)));
        Assert.Equal(0, pc.Run(s => s.Mlock(Base + 6 * Page, Page)));
        int pid = k.Driver.RunAs(pc.P, () => k.Fork.DoFork((uint)Signal.Sigchld));
        TaskStruct child = k.Sched.FindTaskByPid(pid)!;
        k.Driver.RunAs(child, () => k.Exit.DoExit(0));
        k.Driver.RunAs(pc.P, () => k.Exit.SysWait4(pid));
        k.Driver.RunAs(pc.P, () => k.Exit.DoExit(0));
        k.Slab.CheckInvariants();
        // (The exited program's descriptor may live on as a CPU's lazy active_mm; its regions may not.)
        Assert.Equal(k.InitMm.Mmlist.Entries<MmStruct>().Sum(mm => mm.MapCount), pc.InUse("vm_area_struct"));
    }
}
