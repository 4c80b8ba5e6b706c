using LinuxVm.Mm.Include;
using LinuxVm.Mm.KernelModel;
using LinuxVm.Mm.Tests.Arch.X86;

namespace LinuxVm.Mm.Tests.Shmem;

/// <summary>
/// MAP_SHARED|MAP_ANONYMOUS regions backed by a shmem file (mm/shmem.c): pages first touched after
/// a fork are shared, the file and its page cache go away with the last mapping, and nothing leaks.
/// </summary>
public class SharedAnonymousTests
{
    private const uint Prot = Mman.ProtRead | Mman.ProtWrite;
    private const uint Shared = Mman.MapShared | Mman.MapAnonymous;

    private static uint Map(ProcessPc pc, TaskStruct t, uint pages, uint addr = 0, uint flags = Shared)
    {
        uint a = pc.Kernel.Driver.RunAs(t, () => pc.Kernel.Syscalls.Mmap(addr, pages * 4096, Prot, flags | (addr != 0 ? Mman.MapFixed : 0)));
        Assert.False(Syscalls.IsError(a), $"mmap failed: {(int)a}");
        return a;
    }

    [Fact]
    public void PageFirstTouchedAfterFork_IsSeenByTheOtherProcess_BothWays()
    {
        var pc = ProcessPc.Boot(16);
        TaskStruct parent = pc.Spawn("parent");
        uint a = Map(pc, parent, 4);
        TaskStruct child = pc.Fork(parent);

        Assert.True(pc.User.WriteU32(child, a + 4096, 0xC0FFEE));
        Assert.Equal(0xC0FFEEu, pc.User.ReadU32(parent, a + 4096));

        Assert.True(pc.User.WriteU32(parent, a + 2 * 4096 + 8, 0xBEEF));
        Assert.Equal(0xBEEFu, pc.User.ReadU32(child, a + 2 * 4096 + 8));

        // Writes through both mappings land in one page.
        Assert.True(pc.User.WriteU32(child, a + 4096, 7));
        Assert.Equal(7u, pc.User.ReadU32(parent, a + 4096));
        Assert.Equal(2u, pc.Kernel.Filemap.PageCacheSize);
    }

    [Fact]
    public void BothExit_EverythingIsFreed_AndPageCacheSizeFallsBack()
    {
        var pc = ProcessPc.Boot(16);
        uint free0 = pc.FreeIncludingQuicklists();
        int inodes0 = pc.Kernel.InodeCache.NrInodes, files0 = pc.Kernel.FileTable.NrFiles;

        TaskStruct parent = pc.Spawn("parent");
        uint a = Map(pc, parent, 40);
        TaskStruct child = pc.Fork(parent);
        for (uint i = 0; i < 40; i += 2)
            Assert.True(pc.User.WriteU32(i % 4 == 0 ? parent : child, a + i * 4096, i + 1));
        pc.User.ReadU32(child, a + 39 * 4096);   // a read makes a page too: no zero page here
        Assert.Equal(21u, pc.Kernel.Filemap.PageCacheSize);
        Assert.Equal(inodes0 + 1, pc.Kernel.InodeCache.NrInodes);
        Assert.Equal(files0 + 1, pc.Kernel.FileTable.NrFiles);
        Assert.Contains("Cached:             84 kB", pc.Kernel.ProcMisc.MeminfoReadProc());

        pc.Exit(child);
        Assert.Equal(21u, pc.Kernel.Filemap.PageCacheSize);   // the parent still maps the file
        pc.Exit(parent);

        Assert.Equal(0u, pc.Kernel.Filemap.PageCacheSize);
        Assert.Equal(inodes0, pc.Kernel.InodeCache.NrInodes);
        Assert.Equal(files0, pc.Kernel.FileTable.NrFiles);
        Assert.Equal(free0, pc.FreeIncludingQuicklists());
        Assert.True(pc.Kernel.Shmem.ShmemInodes.IsEmpty);
    }

    [Fact]
    public void MunmapByOne_KeepsTheOthersData()
    {
        var pc = ProcessPc.Boot(16);
        TaskStruct parent = pc.Spawn("parent");
        uint a = Map(pc, parent, 8);
        TaskStruct child = pc.Fork(parent);
        Assert.True(pc.User.WriteU32(parent, a, 11));
        Assert.True(pc.User.WriteU32(child, a + 4096, 22));

        Assert.Equal(0, pc.Kernel.Driver.RunAs(parent, () => pc.Kernel.Syscalls.Munmap(a, 8 * 4096)));
        Assert.Equal(11u, pc.User.ReadU32(child, a));
        Assert.Equal(22u, pc.User.ReadU32(child, a + 4096));
        // The file lives on with the child's mapping only.
        Fs.File file = pc.Kernel.Mmap.FindVma(child.Mm, a)!.VmFile!;
        Assert.Equal(1, file.FCount);
    }

    [Fact]
    public void PartialMunmap_SplitsTheRegion_AndBothPiecesHoldTheFile()
    {
        var pc = ProcessPc.Boot(16);
        TaskStruct t = pc.Spawn("t");
        uint a = Map(pc, t, 8);
        Fs.File file = pc.Kernel.Mmap.FindVma(t.Mm, a)!.VmFile!;
        Assert.Equal(0, pc.Kernel.Driver.RunAs(t, () => pc.Kernel.Syscalls.Munmap(a + 2 * 4096, 4096)));
        Assert.Equal(2, file.FCount);
        Fs.AddressSpace mapping = file.FDentry!.DInode!.IMapping;
        Assert.Equal(2, Chain(mapping.IMmapShared).Count);
        // The upper piece still maps the file at offset 3 pages.
        Assert.True(pc.User.WriteU32(t, a + 3 * 4096, 5));
        Assert.Equal(3u, pc.Kernel.Filemap.FindGetPage(mapping, 3) is { } p ? ReleaseIndex(pc, p) : 99);
    }

    private static uint ReleaseIndex(ProcessPc pc, Page p)
    {
        pc.Kernel.Filemap.PageCacheRelease(p);
        return p.Index;
    }

    private static List<VmAreaStruct> Chain(VmAreaStruct? v)
    {
        var list = new List<VmAreaStruct>();
        for (; v != null; v = v.VmNextShare)
        {
            Assert.Equal(v, v.VmPprevShare.Get());
            list.Add(v);
        }
        return list;
    }

    [Fact]
    public void Fork_PutsTheChildRegionOnTheShareList_RightAfterTheParents()
    {
        var pc = ProcessPc.Boot(16);
        TaskStruct parent = pc.Spawn("parent");
        uint a = Map(pc, parent, 2);
        TaskStruct c1 = pc.Fork(parent);
        TaskStruct c2 = pc.Fork(parent);
        VmAreaStruct pv = pc.Kernel.Mmap.FindVma(parent.Mm, a)!;
        List<VmAreaStruct> chain = Chain(pv.VmFile!.FDentry!.DInode!.IMapping.IMmapShared);
        Assert.Equal(new[] { pv, pc.Kernel.Mmap.FindVma(c2.Mm, a)!, pc.Kernel.Mmap.FindVma(c1.Mm, a)! }, chain);
        Assert.Equal(3, pv.VmFile.FCount);
    }

    [Fact]
    public void Mremap_MovingASharedRegion_KeepsSharing()
    {
        var pc = ProcessPc.Boot(16);
        TaskStruct parent = pc.Spawn("parent");
        uint a = Map(pc, parent, 4);
        TaskStruct child = pc.Fork(parent);
        Assert.True(pc.User.WriteU32(parent, a, 1));
        const uint to = 0x60000000;
        uint r = pc.Kernel.Driver.RunAs(child,
            () => pc.Kernel.Syscalls.Mremap(a, 4 * 4096, 4 * 4096, Mman.MremapMaymove | Mman.MremapFixed, to));
        Assert.Equal(to, r);
        Assert.Equal(1u, pc.User.ReadU32(child, to));
        Assert.True(pc.User.WriteU32(child, to + 3 * 4096, 33));
        Assert.Equal(33u, pc.User.ReadU32(parent, a + 3 * 4096));
        Assert.True(pc.User.WriteU32(parent, a + 2 * 4096, 44));
        Assert.Equal(44u, pc.User.ReadU32(child, to + 2 * 4096));
    }

    [Fact]
    public void Mprotect_OfPartOfASharedRegion_KeepsTheFileCountRight()
    {
        var pc = ProcessPc.Boot(16);
        uint free0 = pc.FreeIncludingQuicklists();
        TaskStruct t = pc.Spawn("t");
        uint a = Map(pc, t, 6);
        Assert.True(pc.User.WriteU32(t, a + 4096, 9));
        Assert.Equal(0, pc.Kernel.Driver.RunAs(t, () => pc.Kernel.Mprotect.SysMprotect(a + 2 * 4096, 2 * 4096, Mman.ProtRead)));
        Fs.File file = pc.Kernel.Mmap.FindVma(t.Mm, a)!.VmFile!;
        Assert.Equal(3, file.FCount);
        Assert.False(pc.User.WriteU32(t, a + 2 * 4096, 1));   // now read-only
        pc.Exit(t);
        Assert.Equal(free0, pc.FreeIncludingQuicklists());
    }

    [Fact]
    public void Maps_ShowsDevZeroDeleted_WithTheShmDeviceAndInode()
    {
        var pc = ProcessPc.Boot(16);
        TaskStruct t = pc.Spawn("t");
        uint a = Map(pc, t, 2, addr: 0x40000000);
        uint ino = pc.Kernel.Mmap.FindVma(t.Mm, a)!.VmFile!.FDentry!.DInode!.IIno;
        string line = $"40000000-40002000 rw-s 00000000 00:04 {ino}";
        Assert.Contains(line.PadRight(49) + "/dev/zero (deleted)\n", pc.Kernel.ProcPid.Maps(t.Pid));
    }

    [Fact]
    public void TouchingPastTheDirectEntries_BuildsTheIndex_AndTruncationFreesIt()
    {
        var pc = ProcessPc.Boot(16);
        TaskStruct t = pc.Spawn("t");
        uint a = Map(pc, t, 20);
        pc.User.ReadU32(t, a);   // page table and first page
        uint before = pc.Kernel.PageAlloc.NrFreePages();
        Assert.True(pc.User.WriteU32(t, a + 16 * 4096, 1));
        // One data page, the indirect page, and one page of entries.
        Assert.Equal(3u, before - pc.Kernel.PageAlloc.NrFreePages());
        Fs.ShmemInodeInfo info = pc.Kernel.Mmap.FindVma(t.Mm, a)!.VmFile!.FDentry!.DInode!.ShmemI;
        Assert.NotEqual(0u, info.IIndirect);
        Assert.Equal(17u, info.NextIndex);
        pc.Exit(t);
        Assert.Equal(0u, info.IIndirect);
        Assert.Equal(0u, info.NextIndex);
    }

    [Fact]
    public void APageInTheTriplyIndirectPart_CostsThreePages_AndExitGivesThemBack()
    {
        var pc = ProcessPc.Boot(16);
        pc.Kernel.Mmap.SysctlOvercommitMemory = 1;   // a 2 GiB file on a 16 MiB machine
        uint free0 = pc.FreeIncludingQuicklists();
        TaskStruct t = pc.Spawn("t");
        const uint first = 16 + 512 * 1024;           // the first index past the doubly indirect half
        uint a = Map(pc, t, first + 16, addr: 0x10000000);
        uint addr = a + first * 4096;
        // Index first - 16 is the last page of the doubly indirect half, in the same 4 MiB as addr:
        // reading it builds the page table, the indirect page and that half's last page of entries.
        pc.User.ReadU32(t, addr - 16 * 4096);
        uint before = pc.FreeIncludingQuicklists();

        Assert.True(pc.User.WriteU32(t, addr, 1));

        // The data page, a page of pointers hung from the indirect page's second half, and a page
        // of entries hung from that.
        Assert.Equal(3u, before - pc.FreeIncludingQuicklists());
        Fs.ShmemInodeInfo info = pc.Kernel.Mmap.FindVma(t.Mm, a)!.VmFile!.FDentry!.DInode!.ShmemI;
        Assert.Equal(first + 1, info.NextIndex);
        pc.Exit(t);
        Assert.Equal(0u, info.IIndirect);
        Assert.Equal(free0, pc.FreeIncludingQuicklists());
    }

    [Fact]
    public void FaultPastTheEndOfTheFile_IsSigbus()
    {
        var pc = ProcessPc.Boot(16);
        TaskStruct t = pc.Spawn("t");
        uint a = Map(pc, t, 2);
        VmAreaStruct vma = pc.Kernel.Mmap.FindVma(t.Mm, a)!;
        // Grown in place by mremap: the file keeps its size, so the new page has nothing behind it.
        uint r = pc.Kernel.Driver.RunAs(t, () => pc.Kernel.Syscalls.Mremap(a, 2 * 4096, 3 * 4096));
        Assert.Equal(a, r);
        NopageResult res = pc.Kernel.Shmem.ShmemNopage(vma, a + 2 * 4096, 0);
        Assert.Null(res.Page);
        Assert.False(res.IsOom);
    }
}

/// <summary>
/// A shmem file mapped directly through do_mmap_pgoff (as SysV shared memory does), and truncated
/// with vmtruncate: the file branch of mmap, the private-copy case of do_no_page, and unmapping
/// from every process when the file shrinks.
/// </summary>
public class ShmemFileMappingTests
{
    private const uint Prot = Mman.ProtRead | Mman.ProtWrite;

    private static uint MapFile(ProcessPc pc, TaskStruct t, Fs.File file, uint pages, uint flags)
    {
        TaskStruct task = t;
        uint a = pc.Kernel.Driver.RunAs(task, () =>
        {
            task.Mm!.MmapSem.DownWrite();
            uint r = pc.Kernel.Mmap.DoMmapPgoff(file, 0, pages * 4096, Prot, flags, 0);
            task.Mm.MmapSem.UpWrite();
            return r;
        });
        Assert.False(Syscalls.IsError(a), $"mmap failed: {(int)a}");
        return a;
    }

    private static Fs.File NewFile(ProcessPc pc, uint pages)
    {
        Fs.File? file = pc.Kernel.Shmem.ShmemFileSetup("SYSV00000000", pages * 4096, out int err);
        Assert.Equal(0, err);
        return file!;
    }

    [Fact]
    public void TwoUnrelatedProcesses_MappingOneFileShared_SeeEachOthersWrites()
    {
        var pc = ProcessPc.Boot(16);
        uint free0 = pc.FreeIncludingQuicklists();
        Fs.File file = NewFile(pc, 4);
        TaskStruct p = pc.Spawn("p"), q = pc.Spawn("q");
        uint a = MapFile(pc, p, file, 4, Mman.MapShared);
        uint b = MapFile(pc, q, file, 4, Mman.MapShared);
        Assert.Equal(3, file.FCount);   // ours and one per mapping

        Assert.True(pc.User.WriteU32(q, b + 4096, 77));
        Assert.Equal(77u, pc.User.ReadU32(p, a + 4096));

        pc.Exit(p);
        pc.Exit(q);
        Assert.Equal(1u, pc.Kernel.Filemap.PageCacheSize);   // the file still exists: we hold it
        pc.Kernel.FileTable.Fput(file);
        Assert.Equal(0u, pc.Kernel.Filemap.PageCacheSize);
        Assert.Equal(free0, pc.FreeIncludingQuicklists());
    }

    [Fact]
    public void PrivateMapping_WriteGetsACopy_TheFileKeepsItsPage()
    {
        var pc = ProcessPc.Boot(16);
        Fs.File file = NewFile(pc, 2);
        TaskStruct p = pc.Spawn("p"), q = pc.Spawn("q");
        uint a = MapFile(pc, p, file, 2, Mman.MapShared);
        uint b = MapFile(pc, q, file, 2, Mman.MapPrivate);
        Assert.True(pc.User.WriteU32(p, a, 5));

        // do_no_page copies at once for a write to a private mapping.
        Assert.True(pc.User.WriteU32(q, b, 6));
        Assert.Equal(5u, pc.User.ReadU32(p, a));
        Assert.Equal(6u, pc.User.ReadU32(q, b));
        Assert.NotSame(pc.Kernel.Memory.FollowPage(p.Mm!, a, 0), pc.Kernel.Memory.FollowPage(q.Mm!, b, 0));
        VmAreaStruct qv = pc.Kernel.Mmap.FindVma(q.Mm, b)!;
        Assert.Same(qv, file.FDentry!.DInode!.IMapping.IMmap);   // private mappers have their own list
    }

    [Fact]
    public void Vmtruncate_UnmapsThePagesPastTheEnd_FromEveryProcess_AndFreesThem()
    {
        var pc = ProcessPc.Boot(16);
        Fs.File file = NewFile(pc, 4);
        Fs.Inode inode = file.FDentry!.DInode!;
        TaskStruct p = pc.Spawn("p");
        uint a = MapFile(pc, p, file, 4, Mman.MapShared);
        TaskStruct c = pc.Fork(p);
        for (uint i = 0; i < 4; i++)
            Assert.True(pc.User.WriteU32(i % 2 == 0 ? p : c, a + i * 4096, i + 1));
        Assert.True(pc.User.WriteU32(p, a + 4096 + 200, 0xAB));
        Assert.Equal(4u, pc.Kernel.Filemap.PageCacheSize);
        uint free = pc.Kernel.PageAlloc.NrFreePages();

        Assert.Equal(0, pc.Kernel.Memory.Vmtruncate(inode, 4096 + 100));

        Assert.Equal(2u, pc.Kernel.Filemap.PageCacheSize);   // pages 0 and 1 (the partial one) stay
        Assert.Equal(free + 2, pc.Kernel.PageAlloc.NrFreePages());
        Assert.Equal(2u, pc.User.ReadU32(c, a + 4096));
        Assert.Equal(0u, pc.User.ReadU32(c, a + 4096 + 200));   // the tail of the partial page is cleared
        Assert.Null(pc.Kernel.Memory.FollowPage(p.Mm!, a + 2 * 4096, 0));
        NopageResult res = pc.Kernel.Shmem.ShmemNopage(pc.Kernel.Mmap.FindVma(p.Mm, a)!, a + 3 * 4096, 0);
        Assert.Null(res.Page);   // past the end: SIGBUS
    }

    [Fact]
    public void Truncation_CutsTheIndexBack_KeepingIndexPagesStillInUse()
    {
        var pc = ProcessPc.Boot(16);
        Fs.File file = NewFile(pc, 40);
        Fs.Inode inode = file.FDentry!.DInode!;
        TaskStruct p = pc.Spawn("p");
        uint a = MapFile(pc, p, file, 40, Mman.MapShared);
        for (uint i = 0; i < 40; i++)
            Assert.True(pc.User.WriteU32(p, a + i * 4096, i));
        Fs.ShmemInodeInfo info = inode.ShmemI;
        uint free = pc.Kernel.PageAlloc.NrFreePages();

        // Down to 20 pages: pages 20-39 go, but 16-19 still need the index page of entries.
        Assert.Equal(0, pc.Kernel.Memory.Vmtruncate(inode, 20 * 4096));
        Assert.Equal(free + 20, pc.Kernel.PageAlloc.NrFreePages());
        Assert.Equal(20u, info.NextIndex);
        Assert.NotEqual(0u, info.IIndirect);

        // Down to 10: ten more pages, and the two index pages with them.
        Assert.Equal(0, pc.Kernel.Memory.Vmtruncate(inode, 10 * 4096));
        Assert.Equal(free + 20 + 10 + 2, pc.Kernel.PageAlloc.NrFreePages());
        Assert.Equal(10u, info.NextIndex);
        Assert.Equal(0u, info.IIndirect);
        Assert.Equal(9u, pc.User.ReadU32(p, a + 9 * 4096));
    }
}
