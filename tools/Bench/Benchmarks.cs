using BenchmarkDotNet.Attributes;
using LinuxVm.Arch.X86;
using LinuxVm.Mm;
using LinuxVm.Mm.Include;

namespace LinuxVm.Bench;

// Each benchmark method is one operation (an allocate+free pair, or one boot), so BenchmarkDotNet's
// mean time per invocation converts straight into pairs per second.

/// <summary>Buddy allocator: the pair rmqueue / __free_pages_ok on a 64 MiB machine.</summary>
public class PageAllocBenchmarks
{
    private Kernel _k = null!;

    [GlobalSetup]
    public void Setup() => _k = Machine.Boot(new MachineConfig { RamBytes = 64UL << 20 }).Kernel;

    [Benchmark]
    public void Order0AllocFree() => _k.PageAlloc.FreePages(_k.PageAlloc.AllocPages(Gfp.Kernel, 0)!, 0);

    [Benchmark]
    public void Order3AllocFree() => _k.PageAlloc.FreePages(_k.PageAlloc.AllocPages(Gfp.Kernel, 3)!, 3);
}

/// <summary>Slab allocator: per-CPU fast path of two caches, and kmalloc's size-class lookup.</summary>
public class SlabBenchmarks
{
    private Kernel _k = null!;
    private KmemCache _c64 = null!;
    private KmemCache _c4096 = null!;

    [GlobalSetup]
    public void Setup()
    {
        _k = Machine.Boot(new MachineConfig { RamBytes = 64UL << 20 }).Kernel;
        _c64 = _k.Slab.KmemCacheCreate("bench64", 64, 0, 0, null, null)!;
        _c4096 = _k.Slab.KmemCacheCreate("bench4096", 4096, 0, 0, null, null)!;
    }

    [Benchmark]
    public void Cache64AllocFree() => _k.Slab.KmemCacheFree(_c64, _k.Slab.KmemCacheAlloc(_c64, Gfp.Kernel));

    [Benchmark]
    public void Cache4096AllocFree() => _k.Slab.KmemCacheFree(_c4096, _k.Slab.KmemCacheAlloc(_c4096, Gfp.Kernel));

    [Benchmark]
    public void KmallocKfree() => _k.Slab.Kfree(_k.Slab.Kmalloc(100, Gfp.Kernel));
}

/// <summary>vmalloc: sixteen pages, their page tables, the vm_struct list, and the unmap with its TLB flush.</summary>
public class VmallocBenchmarks
{
    private Kernel _k = null!;

    [GlobalSetup]
    public void Setup() => _k = Machine.Boot(new MachineConfig { RamBytes = 64UL << 20 }).Kernel;

    [Benchmark]
    public void Vmalloc64KVfree() => _k.Vmalloc.Vfree(_k.Vmalloc.Alloc(64 * 1024));
}

/// <summary>Boot: e820, bootmem, page tables, mem_map, zones, free_all_bootmem, slab init.</summary>
public class BootBenchmarks
{
    [Benchmark]
    public Machine Boot64MiB() => Machine.Boot(new MachineConfig { RamBytes = 64UL << 20 });

    [Benchmark]
    public Machine Boot4GiB() => Machine.Boot(new MachineConfig { RamBytes = 4UL << 30, Pae = true });
}

/// <summary>mm/mmap.c and fork: system calls of a process with many regions, and copying a big address space.</summary>
public class ProcessBenchmarks
{
    private const uint Rw = Mman.ProtRead | Mman.ProtWrite;
    private const uint Anon = Mman.MapPrivate | Mman.MapAnonymous;
    private Kernel _k = null!;
    private Machine _m = null!;
    private LinuxVm.Mm.KernelModel.TaskStruct _many = null!;
    private LinuxVm.Mm.KernelModel.TaskStruct _big = null!;
    private uint _bigBase;

    [GlobalSetup]
    public void Setup()
    {
        _m = Machine.Boot(new MachineConfig { RamBytes = 128UL << 20 });
        _k = _m.Kernel;
        _k.Driver.Spawn("init", image: new LinuxVm.Mm.KernelModel.ProgramImage("init"));

        // 1,000 one-page regions below TASK_UNMAPPED_BASE, alternating protections so none merge.
        _many = _k.Driver.Spawn("many", image: new LinuxVm.Mm.KernelModel.ProgramImage("many"));
        _k.Driver.RunAs(_many, () =>
        {
            for (uint i = 0; i < 1000; i++)
                _k.Syscalls.Mmap(0x10000000 + i * 0x1000, 0x1000, i % 2 == 0 ? Rw : Mman.ProtRead, Anon | Mman.MapFixed);
        });

        // A process with 16 MiB of private memory, every page written once.
        _big = _k.Driver.Spawn("big", image: new LinuxVm.Mm.KernelModel.ProgramImage("big"));
        uint a = _k.Driver.RunAs(_big, () => _k.Syscalls.Mmap(0, 16u << 20, Rw, Anon));
        _bigBase = a;
        for (uint off = 0; off < 16u << 20; off += 0x1000)
            _m.Arch.User.WriteU32(_big, a + off, off);
    }

    /// <summary>One mmap of a page and its munmap, with 1,000 regions in the tree.</summary>
    [Benchmark]
    public void MmapMunmapWith1000Vmas() => _k.Driver.RunAs(_many, () =>
    {
        uint a = _k.Syscalls.Mmap(0, 0x1000, Rw, Anon);
        _k.Syscalls.Munmap(a, 0x1000);
    });

    /// <summary>
    /// First-touch anonymous faults: map 16 MiB, write one word in each of its 4,096 pages (each a
    /// fault that allocates and zeroes a page), unmap. Reported per fault, unmap included.
    /// </summary>
    [Benchmark(OperationsPerInvoke = 4096)]
    public void FirstTouchFault() => _k.Driver.RunAs(_many, () =>
    {
        uint a = _k.Syscalls.Mmap(0, 16u << 20, Rw, Anon);
        _m.Arch.User.TouchPages(a, 4096, write: true);
        _k.Syscalls.Munmap(a, 16u << 20);
    });

    /// <summary>Loads from the 16 MiB process's mapped pages: 4,096 pages, so most are TLB misses on the first pass and hits after.</summary>
    [Benchmark(OperationsPerInvoke = 4 * 4096)]
    public void MappedAccess() => _k.Driver.RunAs(_big, () =>
    {
        for (int pass = 0; pass < 4; pass++)
            _m.Arch.User.TouchPages(_bigBase, 4096, write: false);
    });

    /// <summary>fork of the 16 MiB process (page tables copied, pages shared copy-on-write), then the child exits and is reaped.</summary>
    [Benchmark]
    public void Fork16MiBCow()
    {
        int pid = _k.Driver.RunAs(_big, () => _k.Fork.DoFork((uint)LinuxVm.Mm.KernelModel.Signal.Sigchld));
        var child = _k.Sched.FindTaskByPid(pid)!;
        _k.Driver.RunAs(child, () => _k.Exit.DoExit(0));
        _k.Driver.RunAs(_big, () => _k.Exit.SysWait4(pid));
    }
}

/// <summary>
/// Context switches: two tasks yield to each other in the kernel, each on a kernel stack of its
/// own (a host thread), so every yield is one schedule() that hands the baton to the other thread.
/// </summary>
public class SchedBenchmarks
{
    private const int Yields = 1000;
    private Machine _m = null!;
    private Kernel _k = null!;
    private LinuxVm.Mm.KernelModel.TaskStruct _a = null!;
    private bool _stop;

    [GlobalSetup]
    public void Setup()
    {
        _m = Machine.Boot(new MachineConfig { RamBytes = 64UL << 20 });
        _k = _m.Kernel;
        _a = _k.Driver.Spawn("ping");
        var b = _k.Driver.Spawn("pong");
        // pong loops yielding on its own stack; it stays parked in schedule() between invocations.
        _k.Driver.Start(b, () =>
        {
            while (!_stop)
                _k.Sched.Yield();
        });
    }

    /// <summary>ping yields 1,000 times; each yield runs pong, which yields back: 2,000 switches.</summary>
    [Benchmark(OperationsPerInvoke = 2 * Yields)]
    public void ContextSwitch() => _k.Driver.RunAs(_a, () =>
    {
        for (int i = 0; i < Yields; i++)
            _k.Sched.Yield();
    });

    [GlobalCleanup]
    public void Cleanup()
    {
        _stop = true;
        _m.Dispose();
    }
}
