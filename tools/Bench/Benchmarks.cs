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
