using FsCheck.Xunit;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.KernelModel;
using LinuxVm.Mm.Tests.Arch.X86;

namespace LinuxVm.Mm.Tests.Mmap;

/// <summary>
/// Random sequences of memory system calls, forks, exits and user reads and writes by several
/// processes. After every step each live address space passes the VMA checker (list and tree
/// agree, sorted, disjoint, red-black, map_count, mmap_cache, total_vm, locked_vm, rss against the
/// page tables); every word a process wrote reads back the same (through fork, COW breaks,
/// mprotect, mremap moves and munmap of neighbours), and a word written to a MAP_SHARED anonymous
/// region reads back in every process that maps that page of its shmem file, wherever it maps it;
/// after everyone exits, no page is lost.
/// </summary>
public class VmaPropertyTests
{
    private const uint Page = 0x1000;
    private const uint Window = 0x40000000;   // all mmap activity within 64 pages from here
    private static readonly uint[] Prots =
        [Mman.ProtRead | Mman.ProtWrite, Mman.ProtRead | Mman.ProtWrite, Mman.ProtRead, Mman.ProtRead | Mman.ProtWrite | Mman.ProtExec, Mman.ProtNone];

    private sealed class World
    {
        public World(ProcessPc pc) => Pc = pc;
        public ProcessPc Pc { get; }
        public Kernel K => Pc.Kernel;
        public List<TaskStruct> Live { get; } = [];
        // What each process last wrote at a word address it still maps privately.
        public Dictionary<(int Pid, uint Addr), uint> Words { get; } = [];

        public void Forget(TaskStruct t, uint start, uint end)
        {
            foreach (var key in Words.Keys.Where(k => k.Pid == t.Pid && k.Addr >= start && k.Addr < end).ToList())
                Words.Remove(key);
        }

        public void Move(TaskStruct t, uint from, uint len, uint to)
        {
            var moved = Words.Where(e => e.Key.Pid == t.Pid && e.Key.Addr >= from && e.Key.Addr < from + len).ToList();
            foreach (var e in moved)
                Words.Remove(e.Key);
            foreach (var e in moved)
                Words[(t.Pid, to + (e.Key.Addr - from))] = e.Value;
        }
    }

    [Property(MaxTest = 100)]
    public bool RandomSyscalls_KeepEveryAddressSpaceConsistent_AndLeakNothing(int[] ops)
    {
        ProcessPc pc = ProcessPc.Boot(16);
        var w = new World(pc);
        Kernel k = pc.Kernel;
        uint baseline = pc.FreeIncludingQuicklists();
        w.Live.Add(k.Driver.Spawn("a", pc.Init, new ProgramImage("a")));
        w.Live.Add(k.Driver.Spawn("b", pc.Init, new ProgramImage("b")));

        uint stamp = 1;
        foreach (int x in ops)
        {
            if (w.Live.Count == 0)
                break;
            uint op = Spread(x);
            TaskStruct t = w.Live[(int)(op >> 4) % w.Live.Count];
            Step(w, t, op, stamp++);
            foreach (TaskStruct p in w.Live)
                k.Mmap.CheckVmas(p.Mm!);
            foreach (var ((pid, addr), value) in w.Words)
            {
                TaskStruct p = k.Sched.FindTaskByPid(pid)!;
                // A word in a region now PROT_NONE cannot be read by its process (the load would be
                // a SIGSEGV); it is checked again once a later mprotect makes it readable.
                if (k.Mmap.FindVma(p.Mm, addr) is { } v && (v.VmFlags & VmFlags.Read) == 0)
                    continue;
                Assert.Equal(value, pc.User.ReadU32(p, addr));
            }
        }

        foreach (TaskStruct p in w.Live)
            pc.Exit(p);
        return pc.FreeIncludingQuicklists() == baseline;
    }

    // FsCheck draws small integers; multiplying by an odd constant and folding the high half down
    // spreads each one over all 32 bits, so every field of the operation (kind, task, address,
    // length, protection, flags) varies, PROT_NONE and MAP_SHARED included.
    private static uint Spread(int x)
    {
        uint h = unchecked((uint)x * 0x9E3779B1u);
        return h ^ (h >> 16) << 4;
    }

    private static void Step(World w, TaskStruct t, uint x, uint stamp)
    {
        Kernel k = w.K;
        Syscalls s = k.Syscalls;
        uint a = Window + ((x >> 8) % 64) * Page;
        uint len = (((x >> 14) % 8) + 1) * Page;
        uint prot = Prots[(x >> 17) % (uint)Prots.Length];
        uint other = Window + ((x >> 20) % 64) * Page;
        MmStruct mm = t.Mm!;
        switch (x & 15)
        {
            case 0:
            case 1:
                {
                    bool fixedAddr = (x & 1) != 0;
                    uint type = (x & 0x80000000) != 0 ? Mman.MapShared : Mman.MapPrivate;
                    uint r = k.Driver.RunAs(t, () => s.Mmap(fixedAddr ? a : 0, len, prot,
                        type | Mman.MapAnonymous | (fixedAddr ? Mman.MapFixed : 0)));
                    if (!Syscalls.IsError(r))
                        w.Forget(t, r, r + len);
                    break;
                }
            case 2:
                if (k.Driver.RunAs(t, () => s.Munmap(a, len)) == 0)
                    w.Forget(t, a, a + len);
                break;
            case 3:
                k.Driver.RunAs(t, () => s.Mprotect(a, len, prot));
                break;
            case 4:
                {
                    VmAreaStruct? vma = k.Mmap.FindVma(mm, a);
                    if (vma == null || vma.VmStart > a)
                        break;
                    uint oldLen = Math.Min(len, vma.VmEnd - a);
                    uint newLen = (((x >> 23) % 8) + 1) * Page;
                    uint flags = (x & 0x100000) != 0 ? Mman.MremapMaymove : 0;
                    uint r = k.Driver.RunAs(t, () => s.Mremap(a, oldLen, newLen, flags));
                    if (Syscalls.IsError(r))
                    {
                        // A refused mremap leaves the old mapping where it was.
                        Assert.True(k.Mmap.FindVma(mm, a) is { } v && v.VmStart <= a);
                        break;
                    }
                    if (newLen < oldLen)
                        w.Forget(t, a + newLen, a + oldLen);
                    else if (r != a)
                        w.Move(t, a, oldLen, r);
                    break;
                }
            case 5:
                k.Driver.RunAs(t, () => s.Mlock(a, len));
                break;
            case 6:
                k.Driver.RunAs(t, () => s.Munlock(a, len));
                break;
            case 7:
                {
                    uint newBrk = mm.StartBrk + ((x >> 8) % 16) * Page;
                    uint old = mm.Brk;
                    uint r = k.Driver.RunAs(t, () => s.Brk(newBrk));
                    if (r < old)
                        w.Forget(t, (r + Page - 1) & PageConstants.PageMask, 0xc0000000);
                    break;
                }
            case 8:
                if (w.Live.Count < 5)
                {
                    TaskStruct child = w.Pc.Fork(t);
                    w.Live.Add(child);
                    foreach (var e in w.Words.Where(e => e.Key.Pid == t.Pid).ToList())
                        w.Words[(child.Pid, e.Key.Addr)] = e.Value;
                }
                break;
            case 9:
                if (w.Live.Count > 1)
                {
                    int pid = t.Pid; // release_task zeroes it
                    w.Live.Remove(t);
                    w.Pc.Exit(t);
                    foreach (var key in w.Words.Keys.Where(key => key.Pid == pid).ToList())
                        w.Words.Remove(key);
                }
                break;
            default:
                {
                    // A write of a word where the region allows it (a fault in a read-only region
                    // would kill the process, which is the fault path's business, not this test's).
                    uint addr = (x & 0x8) != 0 ? other : mm.StartBrk - Page;
                    VmAreaStruct? vma = k.Mmap.FindVma(mm, addr);
                    if (vma == null || vma.VmStart > addr || (vma.VmFlags & VmFlags.Write) == 0)
                        break;
                    if (vma.VmFile is not { } file)
                    {
                        Assert.True(w.Pc.User.WriteU32(t, addr, stamp));
                        w.Words[(t.Pid, addr)] = stamp;
                        break;
                    }
                    // A shared region grown in place by mremap reaches past its file's end, where a
                    // fault is SIGBUS: write only inside the file.
                    uint index = (addr - vma.VmStart) / Page + vma.VmPgoff;
                    if ((long)index * Page >= file.FDentry!.DInode!.ISize)
                        break;
                    Assert.True(w.Pc.User.WriteU32(t, addr, stamp));
                    // Every mapping of that page of the file, in any process, now reads the word.
                    foreach (TaskStruct p in w.Live)
                    {
                        for (VmAreaStruct? v = p.Mm!.Mmap; v != null; v = v.VmNext)
                        {
                            if (v.VmFile != file || index < v.VmPgoff)
                                continue;
                            uint at = v.VmStart + (index - v.VmPgoff) * Page + (addr & ~PageConstants.PageMask);
                            if (at >= v.VmStart && at < v.VmEnd)
                                w.Words[(p.Pid, at)] = stamp;
                        }
                    }
                    break;
                }
        }
    }
}
