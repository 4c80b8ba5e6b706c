using LinuxVm.Mm;
using LinuxVm.Mm.Arch;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.Sim;

namespace LinuxVm.Arch.X86;

/// <summary>
/// A simulated PC with a booted Linux 2.4.20 kernel: the BIOS memory map, the physical memory,
/// the CPUs with their MMU and TLBs, and the kernel, brought up along the memory path of
/// start_kernel (setup_arch, paging_init, mem_init, smp_init, free_initmem).
/// </summary>
public sealed class Machine : IDisposable
{
    private Machine(MachineConfig config, E820Entry[] biosMap, Kernel kernel, I386 arch)
    {
        Config = config;
        BiosMap = biosMap;
        Kernel = kernel;
        Arch = arch;
    }

    /// <summary>How the machine was built.</summary>
    public MachineConfig Config { get; }

    /// <summary>The memory map the BIOS reported.</summary>
    public IReadOnlyList<E820Entry> BiosMap { get; }

    /// <summary>The running kernel.</summary>
    public Kernel Kernel { get; }

    /// <summary>The i386 side: CPUs, MMU, TLBs, setup.c and init.c state.</summary>
    public I386 Arch { get; }

    /// <summary>The paging unit.</summary>
    public Mmu Mmu => Arch.Mmu;

    /// <summary>The CPU the simulation runs on.</summary>
    public Cpu CurrentCpu => Arch.CurrentCpuData;

    /// <summary>Ends the host threads of the machine's sleeping tasks; the machine cannot run afterwards.</summary>
    public void Dispose() => Kernel.Dispose();

    /// <summary>The kernel's log since power-on.</summary>
    public IReadOnlyList<string> Log => Kernel.KernelLog;

    /// <summary>
    /// Builds and boots a PC: the one way to get a kernel, for the <c>vm</c> tool, the tests, the
    /// exercises and the figures alike. <see cref="MachineConfig.StopAfter"/> ends the boot after
    /// a given step, and <see cref="MachineConfig.Zones"/> shapes the zones for allocator tests.
    /// </summary>
    /// <param name="config">RAM size, PAE, CPUs, where to stop; null for the default 64 MiB uniprocessor without PAE, booted fully.</param>
    /// <exception cref="ArgumentException">A configuration value is out of range, or two options do not go together.</exception>
    public static Machine Boot(MachineConfig? config = null)
    {
        config ??= new MachineConfig();
        config.Validate();

        // The hardware: RAM up to the highest address the BIOS reports as usable.
        E820Entry[] biosMap = Bios.E820Map(config.RamBytes);
        ulong top = biosMap.Where(e => e.Type == E820.Ram).Max(e => e.End);
        var phys = new PhysicalMemory((uint)(top >> PageConstants.PageShift));
        phys.IsRam = pfn => biosMap.Any(e => e.Type == E820.Ram && ((ulong)pfn << 12) >= e.Addr && ((ulong)(pfn + 1) << 12) <= e.End);

        var arch = new I386(config.Pae, config.Pse, config.Zones);
        var kernel = new Kernel(phys, arch, config.Cpus);
        var machine = new Machine(config, biosMap, kernel, arch);

        machine.StartupHeadS();
        if (config.StopAfter != BootStage.Startup32)
            machine.StartKernel();
        return machine;
    }

    // arch/i386/kernel/head.S, the part that matters here: the first two page tables map physical
    // 0-8 MiB, the page directory maps them both at 0 (identity, for the instructions that turn
    // paging on) and at PAGE_OFFSET, and the boot CPU switches paging on.
    private void StartupHeadS()
    {
        PhysicalMemory phys = Kernel.Phys;
        ulong pg0 = Kernel.Pa(KernelImage.Pg0);
        for (uint i = 0; i < 2048; i++)   // pg0 and pg1, up to empty_zero_page
            phys.WriteU32(pg0 + i * 4, 0x007 + (i << 12));   // present, writable, user
        ulong dir = Kernel.Pa(KernelImage.SwapperPgDir);
        uint bootUser = I386.PageOffsetValue >> 22;          // BOOT_USER_PGD_PTRS = 768
        foreach (uint slot in new uint[] { 0, bootUser })
        {
            phys.WriteU32(dir + slot * 4, (uint)Kernel.Pa(KernelImage.Pg0) + 0x007);
            phys.WriteU32(dir + (slot + 1) * 4, (uint)Kernel.Pa(KernelImage.Pg1) + 0x007);
        }
        Kernel.CurrentCpu = 0;
        Arch.StartCpu(0);
    }

    // init/main.c start_kernel, the steps that set up memory, in its order, then the part of the
    // init thread (rest_init -> init -> do_basic_setup) that runs mm/'s initcalls. Every object
    // exists already (the Kernel constructor made them); this is where they are initialised, and
    // the only place. Steps of start_kernel that the port does not model are named where they run.
    // A test machine may stop after any step that has a BootStage (MachineConfig.StopAfter).
    private void StartKernel()
    {
        Kernel k = Kernel;
        // init_mm is statically initialised with swapper_pg_dir (INIT_MM in init_task.c).
        k.InitMm.Pgd = KernelImage.SwapperPgDir;
        // printk(linux_banner)
        k.Printk("Linux version 2.4.20 (root@companion) (gcc version 2.95.4) #1 SMP");
        // setup_arch: the e820 map, bootmem, paging_init (kernel page tables and the zones).
        Arch.Setup.SetupArch(BiosMap, stopAfterSetupMemory: Stops(BootStage.SetupMemory));
        if (Stops(BootStage.SetupMemory) || Stops(BootStage.SetupArch))
            return;
        k.Printk("Kernel command line: ro root=/dev/hda1");
        // parse_options, trap_init, init_IRQ, sched_init, softirq_init, time_init, console_init:
        // not modelled here (the scheduler's init_task is built with the kernel).

        // sched_init: the timer wheel starts empty (init_timervecs).
        k.Timer.InitTimervecs();
        if (Stops(BootStage.SchedInit))
            return;

        // kmem_cache_init: the slab allocator sizes cache_cache now, the general caches once
        // mem_init has handed the free pages to the buddy allocator.
        k.Slab.ConfigDebugSlab = Config.DebugSlab;
        k.Slab.KmemCacheInit();
        if (Stops(BootStage.KmemCacheInit))
            return;

        // mem_init: free_all_bootmem and the high pages go to the buddy allocator.
        Arch.Init.MemInit();
        if (Stops(BootStage.MemInit))
            return;

        // kmem_cache_sizes_init: the kmalloc caches.
        k.Slab.KmemCacheSizesInit();
        if (Stops(BootStage.KmemCacheSizesInit))
            return;

        // pgtable_cache_init: with PAE, the slab cache of page directories.
        Arch.Init.PgtableCacheInit();
        if (Stops(BootStage.PgtableCacheInit))
            return;

        // fork_init (max_threads and init_task's process limit): not modelled.
        // proc_caches_init: the slab caches of kernel/fork.c, vm_area_struct and mm_struct among them.
        k.Fork.ProcCachesInit();

        // vfs_caches_init, buffer_init: not modelled.
        // page_cache_init takes the page hash table, one bucket per page of RAM, from the buddy
        // allocator.
        k.Filemap.PageCacheInit(k.Memory.NumPhyspages);
        if (Stops(BootStage.PageCacheInit))
            return;

        // vfs_caches_init mounts bdev and rootfs, proc_root_init mounts /proc, and sock_init (in
        // do_basic_setup) mounts sockfs: each takes an unnamed device number before the initcalls
        // run. Those filesystems are not modelled, but their numbers 00:00 to 00:03 are taken, so
        // the shm mount gets 00:04 as on a 2.4.20 PC.
        for (int minor = 0; minor < 4; minor++)
            k.Super.UnnamedDevInUse[minor] = true;

        // signals_init, proc_root_init, ipc_init, check_bugs: not modelled.

        // smp_init: start the other processors; the last step drops the boot identity mapping.
        Arch.Smpboot.SmpBootCpus();
        if (Stops(BootStage.SmpInit))
            return;

        // rest_init starts the init thread, whose do_basic_setup runs the initcalls in link
        // order; mm/'s come in the order its Makefile links them. First kmem_cpucache_init
        // (slab.o): every cache gets its per-CPU arrays now that kmalloc works and all CPUs are up.
        k.Slab.KmemCpucacheInit();
        if (Stops(BootStage.KmemCpucacheInit))
            return;

        // kswapd_init (vmscan.o) would run swap_setup and start kswapd: not ported yet.

        // init_shmem_fs (shmem.o, linked last) mounts the internal tmpfs instance that shared
        // anonymous memory lives in. After it would come init_emergency_pool (highmem.o, which
        // CONFIG_HIGHMEM appends to the list): not ported yet, nor are the initcalls of the rest
        // of the kernel.
        int err = k.Shmem.InitShmemFs();
        if (err != 0)
            throw new InvalidOperationException($"init_shmem_fs failed: {err}");
        if (Stops(BootStage.InitShmemFs))
            return;

        // free_initmem: the init thread's last act before exec'ing /sbin/init.
        Arch.Init.FreeInitmem();
    }

    private bool Stops(BootStage stage) => Config.StopAfter == stage;
}
