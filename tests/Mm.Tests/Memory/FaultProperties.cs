using FsCheck.Xunit;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.KernelModel;
using LinuxVm.Mm.Tests.Arch.X86;

namespace LinuxVm.Mm.Tests.Memory;

/// <summary>
/// Random sequences of writes, reads, forks and exits by several processes sharing one machine:
/// every process reads back exactly what it (or its parent, before the fork) wrote to its private
/// region, and what any process of its family wrote to their MAP_SHARED|MAP_ANONYMOUS region at
/// any time; rss always equals the pages its page tables map, and once every process has exited
/// the machine has all its pages back (shmem files, their page cache and index included).
/// </summary>
public class FaultProperties
{
    private const uint Base = 0x40000000;
    private const uint SharedBase = 0x50000000;
    private const int Pages = 24;

    private sealed class Proc
    {
        public required TaskStruct Task;
        public readonly uint[] Model = new uint[Pages];

        // The shared region's contents, one array for a process and all its descendants.
        public required uint[] Shared;
    }

    // Each op packs: bits 0-2 kind, 3-4 which process, 5-9 page, 10-31 a value; a write with bit
    // 16 set goes to the shared region.
    [Property(MaxTest = 60)]
    public void WritesReadBack_RssMatchesPageTables_AndExitFreesEverything(uint[] ops)
    {
        var pc = ProcessPc.Boot(16, pae: ops.Length % 2 == 1);
        uint before = pc.FreeIncludingQuicklists();
        var procs = new List<Proc>();
        Proc First()
        {
            var p = new Proc { Task = pc.Spawn("p"), Shared = new uint[Pages] };
            pc.MapAnonymous(p.Task, Base, Pages * 4096);
            uint a = pc.Kernel.Driver.RunAs(p.Task, () => pc.Kernel.Syscalls.Mmap(SharedBase, Pages * 4096,
                Mman.ProtRead | Mman.ProtWrite, Mman.MapShared | Mman.MapAnonymous | Mman.MapFixed));
            Assert.Equal(SharedBase, a);
            return p;
        }
        procs.Add(First());

        foreach (uint raw in ops.Take(60))
        {
            // FsCheck draws small numbers: spread each over 32 bits so the process, page, offset
            // and shared-region bits all vary.
            uint h = raw * 0x9E3779B1u;
            uint op = h ^ (h >> 16) << 4;
            if (procs.Count == 0)
                procs.Add(First());
            Proc p = procs[(int)((op >> 3) & 3) % procs.Count];
            int page = (int)((op >> 5) & 31) % Pages;
            bool shared = (op & 0x10000) != 0;
            uint addr = (shared ? SharedBase : Base) + (uint)page * 4096 + (op & 0xF00);
            switch (op & 7)
            {
                case 0: case 1: case 2:
                    Assert.True(pc.User.WriteU32(p.Task, addr, op));
                    // The written word sits at the page's offset chosen by the op; remember where.
                    if (shared)
                        p.Shared[page] = op;
                    else
                        p.Model[page] = op;
                    break;
                case 3: case 4:
                    // A read touches without writing: zero page, a shared COW page, or a shmem page.
                    pc.User.ReadU32(p.Task, (shared ? SharedBase : Base) + (uint)page * 4096);
                    break;
                case 5:
                    if (procs.Count < 4)
                    {
                        var child = new Proc { Task = pc.Fork(p.Task), Shared = p.Shared };
                        p.Model.CopyTo(child.Model, 0);
                        procs.Add(child);
                    }
                    break;
                case 6:
                    pc.Exit(p.Task);
                    procs.Remove(p);
                    break;
                default:
                    CheckAll(pc, procs);
                    break;
            }
        }
        CheckAll(pc, procs);
        foreach (Proc p in procs)
            pc.Exit(p.Task);
        Assert.Equal(before, pc.FreeIncludingQuicklists());
    }

    // Every process's pages hold the last value it wrote to each (at the offset that value names),
    // and its rss counts exactly the pages its page tables map.
    private static void CheckAll(ProcessPc pc, List<Proc> procs)
    {
        foreach (Proc p in procs)
        {
            for (int page = 0; page < Pages; page++)
            {
                uint v = p.Model[page];
                if (v != 0)
                    Assert.Equal(v, pc.User.ReadU32(p.Task, Base + (uint)page * 4096 + (v & 0xF00)));
                // Whoever in the family wrote last, every member reads it.
                uint s = p.Shared[page];
                if (s != 0)
                    Assert.Equal(s, pc.User.ReadU32(p.Task, SharedBase + (uint)page * 4096 + (s & 0xF00)));
            }
            Assert.Equal(pc.CountMappedPages(p.Task, out _), p.Task.Mm!.Rss);
        }
    }
}
