using LinuxVm.Arch.X86;
using LinuxVm.Mm;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.KernelModel;
using LinuxVm.Mm.Tests.Arch.X86;

namespace LinuxVm.Exercises;

/// <summary>
/// Chapter 4, what the address-space calls check and do at the edges: the commit check of
/// vm_enough_memory, mremap's MREMAP_FIXED, the capability munlockall needs, and the page table
/// an munmap frees. Most run a process exec'd from a small program on a booted 32 MiB PC.
/// </summary>
public class Chapter04Checks
{
    private const uint Rw = Mman.ProtRead | Mman.ProtWrite;
    private const uint Page = 0x1000;

    /// <summary>
    /// Q: A process has touched 3 pages of a shared anonymous mapping (they are page cache now).
    /// With F pages free, what is the largest private writable mmap the kernel will promise, and
    /// what does a read-only private mapping of twice F pages get?
    /// Reasoning: only private writable memory is committed. vm_enough_memory adds the page cache,
    /// the free pages and the free swap, plus the swap cache (swapper_space.nrpages, counted
    /// twice on purpose) and the memory of unused dentries and inodes, and allows the request if
    /// the sum is strictly larger. This machine has no swap, and the port has no swap cache and
    /// no dentry or inode cache, so the sum is F + 3: F + 2 pages are allowed, F + 3 is ENOMEM. A
    /// read-only private mapping is not checked at all, so twice F pages of it are fine.
    /// </summary>
    [Fact, Chapter(4)]
    public void OnlyPrivateWritableMappings_AreChecked_AgainstFreePlusPageCache()
    {
        var pc = new ProgramPc();
        uint shared = pc.Run(s => s.Mmap(0, 3 * Page, Rw, Mman.MapShared | Mman.MapAnonymous));
        for (uint i = 0; i < 3; i++)
            Assert.True(pc.Machine.Arch.User.WriteU32(pc.P, shared + i * Page, i));
        Assert.Equal(3u, pc.K.Filemap.PageCacheSize);
        uint f = pc.K.PageAlloc.NrFreePages();

        Assert.True(pc.K.Mmap.VmEnoughMemory(f + 2));
        Assert.False(pc.K.Mmap.VmEnoughMemory(f + 3));
        Assert.Equal(unchecked((uint)-Errno.Enomem),
            pc.Run(s => s.Mmap(0, (f + 3) * Page, Rw, Mman.MapPrivate | Mman.MapAnonymous)));
        uint big = pc.Run(s => s.Mmap(0, (f + 2) * Page, Rw, Mman.MapPrivate | Mman.MapAnonymous));
        Assert.True(big < 0xC0000000u);
        Assert.Equal(0, pc.Run(s => s.Munmap(big, (f + 2) * Page)));
        uint ro = pc.Run(s => s.Mmap(0, 2 * f * Page, Mman.ProtRead, Mman.MapPrivate | Mman.MapAnonymous));
        Assert.True(ro < 0xC0000000u);
    }

    /// <summary>
    /// Q: A 2-page private mapping at A holds data; a 1-page mapping sits at B, well away from it.
    /// mremap(A, 2 pages, 2 pages, MREMAP_MAYMOVE | MREMAP_FIXED, B): what happens to the page at
    /// B, to A, and to the data? And without MREMAP_MAYMOVE?
    /// Reasoning: MREMAP_FIXED is mremap's fourth outcome: the mapping moves to the caller's
    /// address even though its size does not change. do_mremap unmaps whatever lies in
    /// [B, B + 2 pages) first, then move_vma carries the region and its ptes there and unmaps A.
    /// The data is read back at B; A is a hole. MREMAP_FIXED without MREMAP_MAYMOVE is EINVAL, and
    /// so is a target that overlaps the old range.
    /// </summary>
    [Fact, Chapter(4)]
    public void MremapFixed_MovesToTheCallersAddress_ReplacingWhatWasThere()
    {
        var pc = new ProgramPc();
        const uint A = 0x40000000, B = 0x50000000;
        UserSpace user = pc.Machine.Arch.User;
        Assert.Equal(A, pc.Run(s => s.Mmap(A, 2 * Page, Rw, Mman.MapPrivate | Mman.MapAnonymous | Mman.MapFixed)));
        Assert.Equal(B, pc.Run(s => s.Mmap(B, Page, Mman.ProtRead, Mman.MapPrivate | Mman.MapAnonymous | Mman.MapFixed)));
        Assert.True(user.WriteU32(pc.P, A + Page, 0xC0FFEE));

        Assert.Equal(unchecked((uint)-Errno.Einval), pc.Run(s => s.Mremap(A, 2 * Page, 2 * Page, Mman.MremapFixed, B)));
        Assert.Equal(unchecked((uint)-Errno.Einval), pc.Run(s => s.Mremap(A, 2 * Page, 2 * Page, Mman.MremapFixed | Mman.MremapMaymove, A + Page)));
        Assert.Equal(B, pc.Run(s => s.Mremap(A, 2 * Page, 2 * Page, Mman.MremapFixed | Mman.MremapMaymove, B)));

        Assert.Equal(0xC0FFEEu, user.ReadU32(pc.P, B + Page));
        Assert.Null(pc.K.Mmap.FindVmaIntersection(pc.P.Mm!, A, A + 2 * Page));
        VmAreaStruct moved = pc.K.Mmap.FindVma(pc.P.Mm!, B)!;
        Assert.Equal((B, B + 2 * Page), (moved.VmStart, moved.VmEnd));
        Assert.NotEqual(0u, moved.VmFlags & VmFlags.Write);
    }

    /// <summary>
    /// Q: A process without CAP_IPC_LOCK has a locked region (a privileged parent locked it
    /// before dropping the capability). It tries mlock, munlock and munlockall. Which succeed?
    /// Reasoning: do_mlock asks for CAP_IPC_LOCK only when locking, so munlock works. munlockall
    /// is do_mlockall(0), and do_mlockall asks for the capability before looking at its flags:
    /// EPERM, even though it would only unlock. mlock is EPERM as well.
    /// </summary>
    [Fact, Chapter(4)]
    public void WithoutCapIpcLock_MunlockWorks_ButMunlockallIsRefused()
    {
        var pc = new ProgramPc();
        uint a = pc.Run(s => s.Mmap(0, 2 * Page, Rw, Mman.MapPrivate | Mman.MapAnonymous));
        Assert.Equal(0, pc.Run(s => s.Mlock(a, Page)));
        pc.P.CapEffective &= ~Capability.CapToMask(Capability.CapIpcLock);

        Assert.Equal(-Errno.Eperm, pc.Run(s => s.Mlock(a + Page, Page)));
        Assert.Equal(-Errno.Eperm, pc.Run(s => s.Munlockall()));
        Assert.Equal(1u, pc.P.Mm!.LockedVm);
        Assert.Equal(0, pc.Run(s => s.Munlock(a, Page)));
        Assert.Equal(0u, pc.P.Mm!.LockedVm);
    }

    /// <summary>
    /// Q: On a PC without PAE, a process has two one-page regions in the same 4 MiB slot, both
    /// written, and nothing else there. It unmaps one, then the other. When is the slot's page
    /// table freed?
    /// Reasoning: free_pgtables frees the page tables of the pgd entries in the unmapped range
    /// that no remaining region reaches into. After the first munmap the other region still lies
    /// in the slot, so the page table stays. After the second, no region is left in the slot: its
    /// page table goes (to the quicklist), small as the munmap was.
    /// </summary>
    [Fact, Chapter(4)]
    public void MunmapOfTheLastRegionInA4MiBSlot_FreesItsPageTable()
    {
        const uint Slot = 0x40000000;
        var pc = ProcessPc.Boot();
        var p = pc.Spawn("p");
        pc.MapAnonymous(p, Slot, Page);
        pc.MapAnonymous(p, Slot + 0x200000, Page);
        Assert.True(pc.User.WriteU32(p, Slot, 1));
        Assert.True(pc.User.WriteU32(p, Slot + 0x200000, 2));
        pc.CountMappedPages(p, out int tables);
        Assert.Equal(1, tables);

        Assert.Equal(0, pc.Kernel.Driver.RunAs(p, () => pc.Kernel.Syscalls.Munmap(Slot, Page)));
        pc.CountMappedPages(p, out tables);
        Assert.Equal(1, tables);

        uint quicklist = pc.Kernel.Arch.PgtableCacheSize;
        Assert.Equal(0, pc.Kernel.Driver.RunAs(p, () => pc.Kernel.Syscalls.Munmap(Slot + 0x200000, Page)));
        pc.CountMappedPages(p, out tables);
        Assert.Equal(0, tables);
        Assert.Equal(quicklist + 1, pc.Kernel.Arch.PgtableCacheSize);
    }

    /// <summary>
    /// Q: A process has mlocked a 2-page region and then calls mlockall(MCL_FUTURE), without
    /// MCL_CURRENT. What happens to the locked region, and to a region mapped afterwards?
    /// Reasoning: do_mlockall puts VM_LOCKED in def_flags for MCL_FUTURE, then walks every region
    /// with newflags = vm_flags | VM_LOCKED, from which it takes VM_LOCKED away again when
    /// MCL_CURRENT is not set. So the walk unlocks the old region (locked_vm drops to 0), and only
    /// the next mmap comes out locked, faulted in at once: locked_vm is its 3 pages.
    /// </summary>
    [Fact, Chapter(4)]
    public void MlockallFutureAlone_UnlocksTheRegionsThatWereLocked()
    {
        var pc = new ProgramPc();
        uint a = pc.Run(s => s.Mmap(0, 2 * Page, Rw, Mman.MapPrivate | Mman.MapAnonymous));
        Assert.Equal(0, pc.Run(s => s.Mlock(a, 2 * Page)));
        Assert.Equal(2u, pc.P.Mm!.LockedVm);

        Assert.Equal(0, pc.Run(s => s.Mlockall(Mman.MclFuture)));
        Assert.Equal(0u, pc.P.Mm.LockedVm);
        Assert.Equal(0u, pc.K.Mmap.FindVma(pc.P.Mm, a)!.VmFlags & VmFlags.Locked);

        uint b = pc.Run(s => s.Mmap(0, 3 * Page, Rw, Mman.MapPrivate | Mman.MapAnonymous));
        Assert.NotEqual(0u, pc.K.Mmap.FindVma(pc.P.Mm, b)!.VmFlags & VmFlags.Locked);
        Assert.Equal(3u, pc.P.Mm.LockedVm);
    }
}
