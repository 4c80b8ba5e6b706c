using FsCheck.Xunit;
using LinuxVm.Mm.Include;

namespace LinuxVm.Mm.Tests.Slab;

/// <summary>
/// Random sequences of cache creation, allocation, freeing, kmalloc/kfree, shrinking, reaping,
/// destruction, CPU switches and per-CPU tuning, with the invariant checker (and full accounting
/// of handed-out objects) after every step, and at the end: freeing everything and shrinking
/// gives every page back to the buddy allocator.
/// </summary>
public class SlabPropertyTests
{
    private sealed class Model(Kernel k)
    {
        public readonly List<KmemCache> Caches = [];
        public readonly List<(KmemCache Cache, uint Obj)> Objects = [];
        public readonly List<(uint Size, uint Obj)> Kmalloced = [];
        public int Created;

        public IEnumerable<uint> HandedOut => Objects.Select(o => o.Obj).Concat(Kmalloced.Select(o => o.Obj));

        public void Check()
        {
            k.Slab.CheckInvariants(HandedOut);
            foreach (var (cache, obj) in Objects)
                Assert.Same(cache, k.Slab.GetPageCache(k.VirtToPage(obj)));
        }
    }

    [Property(MaxTest = 60)]
    public void RandomSequences_KeepInvariants_AndGiveEveryPageBack(bool debug, bool twoCpus, int[] ops) =>
        Run(debug, twoCpus ? 2 : 1, ops);

    [Fact]
    public void LongFixedSequence_KeepsInvariants()
    {
        // A long deterministic sequence, beyond what the random ones reach.
        var rng = new Random(20021128);
        int[] ops = Enumerable.Range(0, 1500).Select(_ => rng.Next()).ToArray();
        Run(debug: false, cpus: 2, ops);
        Run(debug: true, cpus: 2, ops[..300]);
    }

    private static void Run(bool debug, int cpus, int[] ops)
    {
        Kernel k = SlabTests.Boot(debug, cpus: cpus);
        DrainAndShrinkAll(k);
        int basePages = k.Slab.PagesInSlabs();
        uint baseFree = k.PageAlloc.NrFreePages();
        var m = new Model(k);
        m.Check();

        foreach (int op in ops)
        {
            Step(k, m, (uint)op);
            m.Check();
        }

        // Free everything, destroy what was created, and give every free slab back.
        foreach (var (cache, obj) in m.Objects)
            k.Slab.KmemCacheFree(cache, obj);
        foreach (var (_, obj) in m.Kmalloced)
            k.Slab.Kfree(obj);
        m.Objects.Clear();
        m.Kmalloced.Clear();
        foreach (KmemCache c in m.Caches)
            Assert.Equal(0, k.Slab.KmemCacheDestroy(c));
        m.Caches.Clear();
        m.Check();
        DrainAndShrinkAll(k);
        m.Check();
        Assert.Equal(basePages, k.Slab.PagesInSlabs());
        Assert.Equal(baseFree, k.PageAlloc.NrFreePages());
    }

    // Drains every per-CPU array and shrinks every cache until nothing changes, so that only
    // slabs holding live objects remain.
    private static void DrainAndShrinkAll(Kernel kernel)
    {
        int before;
        do
        {
            before = kernel.Slab.PagesInSlabs();
            foreach (KmemCache c in kernel.Slab.Caches().ToList())
            {
                kernel.Slab.DrainCpuCaches(c);
                c.Spinlock.Lock();
                kernel.Slab.KmemCacheShrinkLocked(c);
                c.Spinlock.Unlock();
            }
        } while (kernel.Slab.PagesInSlabs() != before);
    }

    private static void Step(Kernel k, Model m, uint op)
    {
        uint kind = op % 17, a = op / 17 % 256, b = op / (17 * 256);
        switch (kind)
        {
            case 0:
            {
                // Object sizes from tiny to 20 KiB; flags and a constructor from the bits of a.
                uint size = 4 + (a & 1) switch { 0 => b % 600, _ => b % 20000 };
                uint flags = ((a & 2) != 0 ? SlabFlags.HwcacheAlign : 0) | ((a & 4) != 0 ? SlabFlags.NoReap : 0) |
                             ((a & 64) != 0 ? SlabFlags.CacheDma : 0);
                Action<uint, KmemCache, uint>? ctor = (a & 8) != 0 ? (_, _, _) => { } : null;
                Action<uint, KmemCache, uint>? dtor = (a & 24) == 24 ? (_, _, _) => { } : null;
                uint offset = (a & 32) != 0 ? Math.Min(size, 64u) : 0;
                KmemCache? c = k.Slab.KmemCacheCreate($"c{m.Created++}", size, offset, flags, ctor, dtor);
                if (c is not null)
                    m.Caches.Add(c);
                break;
            }
            case 1: case 2: case 3:
            {
                if (m.Caches.Count == 0)
                    goto case 6;
                KmemCache c = m.Caches[(int)(a % m.Caches.Count)];
                uint flags = SlabFlags.Kernel | ((c.Gfpflags & Gfp.GfpDma) != 0 ? SlabFlags.Dma : 0);
                for (uint i = 0; i < 1 + b % 40; i++)
                {
                    uint o = k.Slab.KmemCacheAlloc(c, flags);
                    if (o == 0)
                        break;
                    Assert.DoesNotContain(o, m.HandedOut);
                    m.Objects.Add((c, o));
                }
                break;
            }
            case 4: case 5:
                for (uint i = 0; i < 1 + a % 30 && m.Objects.Count > 0; i++)
                {
                    int at = (int)((b + i * 7919) % m.Objects.Count);
                    var (c, o) = m.Objects[at];
                    m.Objects.RemoveAt(at);
                    k.Slab.KmemCacheFree(c, o);
                }
                break;
            case 6:
            {
                // Up to a little above 128 KiB, so that some requests must fail.
                uint size = (b % 2049 + 1) << (int)(a % 7);
                uint o = k.Slab.Kmalloc(size, (a & 128) != 0 ? Gfp.Kernel | Gfp.GfpDma : Gfp.Kernel);
                if (size > 131072)
                    Assert.Equal(0u, o);
                if (o != 0)
                {
                    Assert.DoesNotContain(o, m.HandedOut);
                    m.Kmalloced.Add((size, o));
                }
                break;
            }
            case 7:
                if (m.Kmalloced.Count > 0)
                {
                    int at = (int)(b % m.Kmalloced.Count);
                    k.Slab.Kfree(m.Kmalloced[at].Obj);
                    m.Kmalloced.RemoveAt(at);
                }
                break;
            case 8:
            {
                KmemCache c = PickAny(k, m, a);
                int pages = k.Slab.KmemCacheShrink(c);
                Assert.True(pages >= 0);
                Assert.True(c.SlabsFree.IsEmpty);
                break;
            }
            case 9:
                Assert.True(k.Slab.KmemCacheReap((a & 1) != 0 ? Gfp.Kernel : Gfp.Atomic) >= 0);
                break;
            case 10:
                if (m.Caches.Count > 0)
                {
                    KmemCache c = m.Caches[(int)(a % m.Caches.Count)];
                    bool live = m.Objects.Any(o => o.Cache == c);
                    Assert.Equal(live ? 1 : 0, k.Slab.KmemCacheDestroy(c));
                    if (!live)
                        m.Caches.Remove(c);
                }
                break;
            case 11:
                k.CurrentCpu = (int)(a % (uint)k.SmpNumCpus);
                break;
            case 12:
                k.Slab.ReadSlabinfo();
                break;
            case 13:
                k.Slab.DrainCpuCaches(PickAny(k, m, a));
                break;
            case 14: case 15:
                if (m.Caches.Count > 0)
                {
                    KmemCache c = m.Caches[(int)(a % m.Caches.Count)];
                    // Mostly small arrays, so that they overflow and refill often.
                    int limit = (int)(b % 3 == 0 ? b % 300 : b % 12), batch = (int)(a % 14);
                    int res = k.Slab.SlabinfoWrite($"{c.Name} {limit} {batch}");
                    bool valid = batch <= limit && (limit == 0 || batch != 0);
                    // A valid request succeeds unless kmalloc runs out of memory for the arrays.
                    Assert.True(valid ? res > 0 || res == -12 : res == -22, $"slabinfo_write gave {res}");
                }
                break;
            case 16:
            {
                // kmem_cache_alloc straight from a general cache, freed later with kfree.
                KmemCache c = k.Slab.CacheSizes[(int)(a % 13)].CsCachep!;
                uint o = k.Slab.KmemCacheAlloc(c, SlabFlags.Kernel);
                if (o != 0)
                    m.Kmalloced.Add((c.Objsize, o));
                break;
            }
            default:
                break;
        }
    }

    private static KmemCache PickAny(Kernel k, Model m, uint a) =>
        (a & 1) != 0 && m.Caches.Count > 0
            ? m.Caches[(int)(a / 2 % m.Caches.Count)]
            : k.Slab.CacheSizes[(int)(a / 2 % 26 / 2)].CsCachep!;
}
