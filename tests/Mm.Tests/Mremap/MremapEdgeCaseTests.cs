using LinuxVm.Arch.X86;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.KernelModel;

namespace LinuxVm.Mm.Tests.Mremap;

/// <summary>
/// The mremap, mmap and brk edge cases a random stress driver found (issue 12, point 3), each
/// checked against 2.4.20's mm/mremap.c and mm/mmap.c. Where 2.4.20 itself lets the case through,
/// the test pins 2.4.20's result and checks that the simulator's list, tree and counters stay
/// consistent; where 2.4.20 has no defined result, the port must stop with a kernel BUG rather
/// than damage its own structures.
/// </summary>
public class MremapEdgeCaseTests
{
    private const uint Page = 0x1000;
    private const uint Rw = Mman.ProtRead | Mman.ProtWrite;
    private const uint Anon = Mman.MapPrivate | Mman.MapAnonymous;
    private const uint Fixed = Mman.MremapMaymove | Mman.MremapFixed;

    // A process exec'd from a small program on a 16 MiB PC: text at 0x08048000, heap up to
    // 0x0804f000, one stack page at 0xbffff000.
    private sealed class Proc
    {
        public Proc(bool debugMmRb = true)
        {
            M = Machine.Boot(new MachineConfig { RamBytes = 16u << 20 });
            K = M.Kernel;
            K.Mmap.DebugMmRb = debugMmRb;
            K.Driver.Spawn("init", image: new ProgramImage("init"));
            P = K.Driver.Spawn("prog", image: new ProgramImage("prog"));
        }

        public Machine M { get; }
        public Kernel K { get; }
        public TaskStruct P { get; }
        public MmStruct Mm => P.Mm!;

        public T Run<T>(Func<Syscalls, T> call) => K.Driver.RunAs(P, () => call(K.Syscalls));

        public string[] Maps() => K.ProcPid.Maps(P.Pid).TrimEnd('\n').Split('\n');

        // The maps lines reduced to their ranges.
        public string[] Ranges() => Maps().Select(l => l[..17]).ToArray();

        // The regions on the list, read without mmap_sem.
        public List<(uint Start, uint End)> Regions()
        {
            var list = new List<(uint, uint)>();
            for (VmAreaStruct? v = Mm.Mmap; v != null; v = v.VmNext)
                list.Add((v.VmStart, v.VmEnd));
            return list;
        }

        public VmAreaStruct? Region(uint addr)
        {
            VmAreaStruct? v = K.Mmap.FindVma(Mm, addr);
            return v != null && v.VmStart <= addr ? v : null;
        }

        public void Check() => K.Mmap.CheckVmas(Mm);

        // Takes mmap_sem for writing and gives it back at once: fails (as a deadlock panic) if an
        // earlier call left it held.
        public void AssertMmapSemFree() => K.Driver.RunAs(P, () =>
        {
            Mm.MmapSem.DownWrite();
            Mm.MmapSem.UpWrite();
        });
    }

    private static uint Neg(int errno) => unchecked((uint)-errno);

    // (a) A new length of 0 with MREMAP_FIXED. 2.4.20 lets mremap(addr, 0, 0, MAYMOVE|FIXED, to)
    // through every check (do_munmap refuses the two zero-length unmaps with -EINVAL, which
    // do_mremap ignores), and move_vma makes a region [to, to).

    [Fact]
    public void ZeroLengthFixedMove_IntoAHole_MakesAnEmptyRegion_As2420Does()
    {
        var p = new Proc(debugMmRb: false);
        uint a = p.Run(s => s.Mmap(0, 2 * Page, Rw, Anon));
        uint to = 0x40010000;
        int before = p.Mm.MapCount;

        Assert.Equal(to, p.Run(s => s.Mremap(a, 0, 0, Fixed, to)));

        // The old mapping is untouched; an empty region sits in the hole, on the list and in the
        // tree alike (only the "is empty" rule of the port's checker objects to it).
        Assert.Contains("40000000-40002000", p.Ranges());
        Assert.Contains("40010000-40010000", p.Ranges());
        Assert.Equal(before + 1, p.Mm.MapCount);
        var e = Assert.Throws<InvariantViolationException>(p.Check);
        Assert.Contains("is empty", e.Message);
        p.AssertMmapSemFree();
    }

    [Fact]
    public void ZeroLengthFixedMove_IntoAHole_ThenAnUnmapOverIt_IsTheBugIn_zap_page_range()
    {
        var p = new Proc(debugMmRb: false);
        uint a = p.Run(s => s.Mmap(0, 2 * Page, Rw, Anon));
        uint to = 0x40010000;
        Assert.Equal(to, p.Run(s => s.Mremap(a, 0, 0, Fixed, to)));

        // do_munmap hands the empty region to zap_page_range with size 0, which 2.4 BUG()s on.
        var bug = Assert.Throws<KernelPanicException>(() => p.Run(s => s.Munmap(to - Page, 2 * Page)));
        Assert.Equal("zap_page_range", bug.Where);
    }

    [Fact]
    public void ZeroLengthFixedMove_IntoTheMiddleOfARegion_IsTheBugIn_insert_vm_struct()
    {
        var p = new Proc();
        uint a = p.Run(s => s.Mmap(0, 2 * Page, Rw, Anon));
        uint b = p.Run(s => s.Mmap(0x40010000, 4 * Page, Mman.ProtRead, Anon | Mman.MapFixed));

        var bug = Assert.Throws<KernelPanicException>(() => p.Run(s => s.Mremap(a, 0, 0, Fixed, b + Page)));
        Assert.Equal("insert_vm_struct", bug.Where);
    }

    [Fact]
    public void ZeroLengthFixedMove_ToTheStartOfARegionItCannotMergeWith_PanicsWithoutDamagingTheTree()
    {
        // An empty region at the very start of an existing one passes insert_vm_struct's overlap
        // test (start < end fails for it), but find_vma_prepare returned early without setting
        // the link pointers: 2.4.20 then links through uninitialised pointers. The port must stop
        // there, and what it stopped on must still be a sound list and tree.
        var p = new Proc(debugMmRb: false);
        uint a = p.Run(s => s.Mmap(0, 2 * Page, Rw, Anon));
        uint b = p.Run(s => s.Mmap(0x40010000, 4 * Page, Mman.ProtRead, Anon | Mman.MapFixed));
        var regions = p.Regions();

        var bug = Assert.Throws<KernelPanicException>(() => p.Run(s => s.Mremap(a, 0, 0, Fixed, b)));
        Assert.Equal("insert_vm_struct", bug.Where);
        // The BUG leaves mmap_sem held, as an oops does in 2.4: read the list without it.
        Assert.Equal(regions, p.Regions());
        p.Check();
    }

    [Fact]
    public void ZeroLengthFixedMove_OntoTheEndOfAMergeableRegion_ChangesNothing()
    {
        // The region before the target ends there and could merge: move_vma stretches it to
        // to + 0, which is where it already ends. 2.4.20 returns the target; nothing changes.
        var p = new Proc();
        uint a = p.Run(s => s.Mmap(0, 2 * Page, Rw, Anon));
        uint c = p.Run(s => s.Mmap(0x40010000, 2 * Page, Rw, Anon | Mman.MapFixed));
        string[] maps = p.Maps();

        Assert.Equal(c + 2 * Page, p.Run(s => s.Mremap(a, 0, 0, Fixed, c + 2 * Page)));
        Assert.Equal(maps, p.Maps());
        p.Check();
        p.AssertMmapSemFree();
    }

    [Fact]
    public void NewLengthThatRoundsToZero_WithFixed_UnmapsTheOldRange_ThenFailsWithEfault()
    {
        // PAGE_ALIGN(0xfffff001) wraps to 0. The "shrink" unmaps all of the old range, and the
        // move then finds no region at addr: -EFAULT.
        var p = new Proc();
        uint a = p.Run(s => s.Mmap(0, 2 * Page, Rw, Anon));
        Assert.Equal(Neg(Errno.Efault), p.Run(s => s.Mremap(a, 2 * Page, 0xfffff001, Fixed, 0x40010000)));
        Assert.Null(p.Region(a));
        p.Check();
        p.AssertMmapSemFree();
    }

    // (b) A shrink whose addr + new_len wraps past 4 GiB.

    [Fact]
    public void ShrinkWhoseEndWraps_UnmapsLowMemory_AndSucceeds_As2420Does()
    {
        // The case: do_mremap unmaps [addr + new_len, addr + old_len) without checking
        // either sum: 0xbffff000 + 0x81a2d000 wraps to 0x41a2c000, and 0x1a460000 bytes from there
        // (to 0x5be8c000) go, while the stack at addr is left as it was.
        var p = new Proc();
        const uint ro = Mman.ProtRead;
        Assert.Equal(0x41a2c000u, p.Run(s => s.Mmap(0x41a2c000, 4 * Page, ro, Anon | Mman.MapFixed)));
        Assert.Equal(0x5be8b000u, p.Run(s => s.Mmap(0x5be8b000, 2 * Page, ro, Anon | Mman.MapFixed)));
        string stack = p.Maps()[^1];

        Assert.Equal(0xbffff000u, p.Run(s => s.Mremap(0xbffff000, 0x9be8d000, 0x81a2d000, Mman.MremapMaymove)));

        Assert.Null(p.Region(0x41a2c000));
        Assert.Null(p.Region(0x5be8b000));
        Assert.Contains("5be8c000-5be8d000", p.Ranges());
        Assert.Equal(stack, p.Maps()[^1]);
        p.Check();
        p.AssertMmapSemFree();
    }

    // (c) Unmapping before failing.

    [Fact]
    public void FixedShrinkToAnotherAddress_UnmapsTheTailAndTheTarget_ThenFailsWithEfault()
    {
        var p = new Proc();
        uint a = p.Run(s => s.Mmap(0, 4 * Page, Rw, Anon));
        uint b = p.Run(s => s.Mmap(0x40010000, 2 * Page, Rw, Anon | Mman.MapFixed));
        uint rss = p.Mm.Rss;
        for (uint x = a; x < a + 4 * Page; x += Page)
            Assert.True(p.M.Arch.User.WriteU32(p.P, x, x));
        Assert.Equal(rss + 4, p.Mm.Rss);

        Assert.Equal(Neg(Errno.Efault), p.Run(s => s.Mremap(a, 4 * Page, 2 * Page, Fixed, b)));

        Assert.Contains("40000000-40002000", p.Ranges());
        Assert.Null(p.Region(a + 2 * Page));
        Assert.Null(p.Region(b));
        Assert.Equal(rss + 2, p.Mm.Rss);
        p.Check();
        p.AssertMmapSemFree();
    }

    [Fact]
    public void FixedMove_UnmapsTheTarget_BeforeItFailsWithEnomem()
    {
        // A private writable grow to 512 MiB on a 16 MiB machine fails vm_enough_memory, after
        // the target range was cleared.
        var p = new Proc();
        uint a = p.Run(s => s.Mmap(0, Page, Rw, Anon));
        uint b = p.Run(s => s.Mmap(0x50000000, 2 * Page, Rw, Anon | Mman.MapFixed));

        Assert.Equal(Neg(Errno.Enomem), p.Run(s => s.Mremap(a, Page, 0x20000000, Fixed, b)));

        Assert.NotNull(p.Region(a));
        Assert.Null(p.Region(b));
        p.Check();
        p.AssertMmapSemFree();
    }

    [Fact]
    public void MapFixed_UnmapsTheOldRange_BeforeItFailsWithEnomem()
    {
        var p = new Proc();
        uint a = p.Run(s => s.Mmap(0x40000000, 4 * Page, Rw, Anon | Mman.MapFixed));

        Assert.Equal(Neg(Errno.Enomem), p.Run(s => s.Mmap(a, 0x20000000, Rw, Anon | Mman.MapFixed)));

        Assert.Null(p.Region(a));
        p.Check();
        p.AssertMmapSemFree();
    }

    // (d) mmap of a length that rounds to 0.

    [Theory]
    [InlineData(0x40000001u, 0u)]
    [InlineData(0xc0000123u, 0u)]
    [InlineData(0x00000000u, 0u)]
    [InlineData(0x40000000u, 0xfffff001u)]
    public void MmapOfALengthThatRoundsToZero_ReturnsAddr_AndMapsNothing(uint addr, uint len)
    {
        var p = new Proc();
        string[] maps = p.Maps();
        uint totalVm = p.Mm.TotalVm;

        uint r = p.Run(s => s.Mmap(addr, len, Rw, Anon | Mman.MapFixed));

        Assert.Equal(addr, r);
        Assert.False(Syscalls.IsError(r));
        Assert.Equal(maps, p.Maps());
        Assert.Equal(totalVm, p.Mm.TotalVm);
        p.Check();
        p.AssertMmapSemFree();
    }

    // (e) brk(0).

    [Fact]
    public void BrkZero_InAnExecdProcess_OnlyAsks()
    {
        var p = new Proc();
        string[] maps = p.Maps();
        uint brk = p.Mm.Brk;
        Assert.Equal(brk, p.Run(s => s.Brk(0)));
        Assert.Equal(maps, p.Maps());
        p.AssertMmapSemFree();
    }

    [Fact]
    public void BrkZero_WithEndCodeZero_ShrinksTheHeapToNothing()
    {
        // Spawn(comm) makes an address space with no program: end_code and brk are 0. brk(0) is
        // then not below end_code, so sys_brk treats it as a shrink to 0.
        var p = new Proc();
        TaskStruct t = p.K.Driver.Spawn("bare");
        MmStruct mm = t.Mm!;
        Assert.Equal(0u, mm.EndCode);
        Assert.Equal(0x3000u, p.K.Driver.RunAs(t, () => p.K.Syscalls.Brk(0x3000)));
        Assert.NotNull(p.K.Mmap.FindVma(mm, 0));

        Assert.Equal(0u, p.K.Driver.RunAs(t, () => p.K.Syscalls.Brk(0)));

        Assert.Null(p.K.Mmap.FindVma(mm, 0));
        p.K.Mmap.CheckVmas(mm);
    }
}
