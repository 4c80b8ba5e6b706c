using LinuxVm.Mm.Fs;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.Tests.Arch.X86;

namespace LinuxVm.Mm.Tests.FilemapTests;

/// <summary>The page-cache core of mm/filemap.c on its own: hash chains, lookups, removal and truncation.</summary>
public class FilemapTests
{
    private static (Kernel K, AddressSpace A, AddressSpace B) Setup()
    {
        Kernel k = ProcessPc.Boot(16).Kernel;
        // Keys one apart: page i of A and page i - 1 of B land in the same bucket.
        var a = new AddressSpace { HashKey = 100, GfpMask = Gfp.HighUser };
        var b = new AddressSpace { HashKey = 101, GfpMask = Gfp.HighUser };
        return (k, a, b);
    }

    private static Page Add(Kernel k, AddressSpace m, uint index)
    {
        Page p = k.Filemap.PageCacheAlloc(m)!;
        k.Filemap.AddToPageCache(p, m, index);
        k.Filemap.UnlockPage(p);
        return p;
    }

    [Fact]
    public void PageCacheInit_SizesTheTableFromRam()
    {
        Kernel k = ProcessPc.Boot(16).Kernel;
        // 4096 pages of 16 MiB x 4 bytes = 16 KiB: 4096 buckets in an order-2 block.
        Assert.Equal(12, k.Filemap.PageHashBits);
        Assert.Equal(2, k.Filemap.PageHashTableOrder);
        Assert.Contains("Page-cache hash table entries: 4096 (order: 2, 16384 bytes)", k.KernelLog);
    }

    [Fact]
    public void CollidingPages_AreFoundByMappingAndIndex_AndLeaveTheChainFromAnyPosition()
    {
        (Kernel k, AddressSpace a, AddressSpace b) = Setup();
        Page a1 = Add(k, a, 1), b0 = Add(k, b, 0), a5 = Add(k, a, 5);
        Assert.Equal(k.Filemap.PageHashfn(a, 1), k.Filemap.PageHashfn(b, 0));
        Assert.Equal(3u, k.Filemap.PageCacheSize);
        Assert.Equal(2u, a.NrPages);
        Assert.Equal(2, PageFlags.PageCount(a1));   // the allocation's and the cache's

        Assert.Same(b0, k.Filemap.FindGetPage(b, 0));
        k.Filemap.PageCacheRelease(b0);
        Assert.Null(k.Filemap.FindGetPage(b, 1));

        // b0 went in last, so it heads the chain and a1 hangs behind it: take a1 out from behind
        // (through b0's next_hash), then b0 from the bucket itself.
        Assert.False(LinuxVm.Mm.Memory.TryLockPage(a1));
        k.Filemap.RemoveInodePage(a1);
        k.Filemap.UnlockPage(a1);
        Assert.Null(a1.Mapping);
        Assert.Null(b0.NextHash);
        Assert.Same(b0, k.Filemap.FindGetPage(b, 0));
        k.Filemap.PageCacheRelease(b0);
        Assert.False(LinuxVm.Mm.Memory.TryLockPage(b0));
        k.Filemap.RemoveInodePage(b0);
        k.Filemap.UnlockPage(b0);
        Assert.Null(k.Filemap.PageHashTable![k.Filemap.PageHashfn(b, 0)]);
        Assert.Equal(1u, k.Filemap.PageCacheSize);
        Assert.Same(a5, k.Filemap.FindGetPage(a, 5));
        k.Filemap.PageCacheRelease(a5);
    }

    [Fact]
    public void TruncateInodePages_FreesPagesFromTheCut_AndClearsTheStraddlingTail()
    {
        (Kernel k, AddressSpace a, _) = Setup();
        var pages = new Page[4];
        for (uint i = 0; i < 4; i++)
        {
            pages[i] = Add(k, a, i);
            k.Filemap.PageCacheRelease(pages[i]);   // only the cache holds them now
        }
        k.Phys.Fill(k.PageToPhys(pages[1]) + 4000, 0xAA, 96);
        k.Filemap.SetPageDirty(pages[3]);
        Assert.Equal(1, a.DirtyPages.Count());
        uint free = k.PageAlloc.NrFreePages();

        k.Filemap.TruncateInodePages(a, 4096 + 100);

        Assert.Equal(2u, a.NrPages);
        Assert.Equal(2u, k.Filemap.PageCacheSize);
        Assert.Equal(free + 2, k.PageAlloc.NrFreePages());
        Assert.Equal(0u, k.Phys.ReadU32(k.PageToPhys(pages[1]) + 4000));
        Assert.True(a.DirtyPages.IsEmpty);
    }
}
