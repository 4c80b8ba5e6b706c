using LinuxVm.Arch.X86;
using LinuxVm.Mm;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.KernelModel;

namespace LinuxVm.Exercises;

/// <summary>
/// Chapter 4, Process address space: exercises on mm/mmap.c, mprotect.c, mremap.c and mlock.c.
/// Each runs a process on a booted 32 MiB PC; the process was exec'd from a small program (16 KiB
/// of text at 0x08048000, a page of data, 8 KiB of bss) and has the stack exec made at the top of
/// user space. Anonymous mmap without an address starts looking at TASK_UNMAPPED_BASE = 3 GiB / 3
/// = 0x40000000.
/// </summary>
public class Chapter04Vmas
{
    private const uint Rw = Mman.ProtRead | Mman.ProtWrite;
    private const uint Anon = Mman.MapPrivate | Mman.MapAnonymous;
    private const uint Page = 0x1000;

    /// <summary>
    /// Q: where does the first anonymous mmap without an address land? A: exec used only addresses
    /// below 0x08060000 and above 0xbfff0000, so the first-fit search from TASK_UNMAPPED_BASE finds
    /// 0x40000000 free at once.
    /// </summary>
    [Fact, Chapter(4)]
    public void FirstMmap_LandsAtTaskUnmappedBase()
    {
        var pc = new ProgramPc();
        Assert.Equal(0x40000000u, pc.K.Mmap.TaskUnmappedBase);
        Assert.Equal(0x40000000u, pc.Run(s => s.Mmap(0, 3 * Page, Rw, Anon)));
    }

    /// <summary>
    /// Q: map 2 pages read-write, 1 page read-only, 1 page read-write, unmap the first; then ask for
    /// 3 pages and for 2 pages. Where do they go? A: the hole at 0x40000000 is 2 pages, too small
    /// for 3, so the first-fit walk goes past the mappings to 0x40004000; the 2-page request fits
    /// the hole exactly.
    /// </summary>
    [Fact, Chapter(4)]
    public void Mmap_TakesTheFirstHoleThatIsBigEnough()
    {
        var pc = new ProgramPc();
        uint a = pc.Run(s => s.Mmap(0, 2 * Page, Rw, Anon));
        pc.Run(s => s.Mmap(0, Page, Mman.ProtRead, Anon));
        pc.Run(s => s.Mmap(0, Page, Rw, Anon));
        Assert.Equal(0, pc.Run(s => s.Munmap(a, 2 * Page)));
        Assert.Equal(0x40004000u, pc.Run(s => s.Mmap(0, 3 * Page, Rw, Anon)));
        Assert.Equal(0x40000000u, pc.Run(s => s.Mmap(0, 2 * Page, Rw, Anon)));
    }

    /// <summary>
    /// Q: two anonymous private read-write mmaps, one after the other: how many regions? A: the
    /// second lands right after the first with the same flags and no file, so vma_merge stretches
    /// the first: one region of 5 pages, and map_count does not change.
    /// </summary>
    [Fact, Chapter(4)]
    public void AdjacentAnonymousMappings_WithTheSameFlags_Merge()
    {
        var pc = new ProgramPc();
        int before = pc.Mm.MapCount;
        pc.Run(s => s.Mmap(0, 2 * Page, Rw, Anon));
        pc.Run(s => s.Mmap(0, 3 * Page, Rw, Anon));
        Assert.Equal(before + 1, pc.Mm.MapCount);
        Assert.Contains("40000000-40005000 rw-p 00000000 00:00 0", pc.Maps());
    }

    /// <summary>
    /// Q: the same, but the second mapping read-only? A: the flags differ (no VM_WRITE), so there is
    /// no merge: two regions.
    /// </summary>
    [Fact, Chapter(4)]
    public void AdjacentMappings_WithDifferentProtection_StaySeparate()
    {
        var pc = new ProgramPc();
        int before = pc.Mm.MapCount;
        pc.Run(s => s.Mmap(0, 2 * Page, Rw, Anon));
        pc.Run(s => s.Mmap(0, 3 * Page, Mman.ProtRead, Anon));
        Assert.Equal(before + 2, pc.Mm.MapCount);
        Assert.Contains("40002000-40005000 r--p 00000000 00:00 0", pc.Maps());
    }

    /// <summary>
    /// Q: mprotect the middle page of a 3-page read-write mapping read-only: how many regions? And
    /// after making it read-write again? A: mprotect_fixup_middle splits it into three (the right
    /// one keeps vm_pgoff 2). Restoring read-write merges the middle into the left one
    /// (mprotect_fixup_all) and then the right one into it (the merge at the end of sys_mprotect):
    /// back to one region.
    /// </summary>
    [Fact, Chapter(4)]
    public void MprotectOfTheMiddle_MakesThreeRegions_AndUndoingItMakesOne()
    {
        var pc = new ProgramPc();
        int before = pc.Mm.MapCount;
        uint a = pc.Run(s => s.Mmap(0, 3 * Page, Rw, Anon));
        Assert.Equal(0, pc.Run(s => s.Mprotect(a + Page, Page, Mman.ProtRead)));
        Assert.Equal(before + 3, pc.Mm.MapCount);
        Assert.Contains("40001000-40002000 r--p 00001000 00:00 0", pc.Maps());
        Assert.Contains("40002000-40003000 rw-p 00002000 00:00 0", pc.Maps());
        Assert.Equal(0, pc.Run(s => s.Mprotect(a + Page, Page, Rw)));
        Assert.Equal(before + 1, pc.Mm.MapCount);
    }

    /// <summary>
    /// Q: mlock 3 pages in the middle of an 8-page mapping: what do VmLck and the region count say,
    /// and after munlock? A: 3 pages are 12 kB locked, in a region of their own between two
    /// unlocked ones. munlock clears VM_LOCKED but mlock.c never merges, so three regions remain
    /// and VmLck is 0.
    /// </summary>
    [Fact, Chapter(4)]
    public void Mlock_ShowsInVmLck_AndMunlockLeavesTheSplit()
    {
        var pc = new ProgramPc();
        int before = pc.Mm.MapCount;
        uint a = pc.Run(s => s.Mmap(0, 8 * Page, Rw, Anon));
        Assert.Equal(0, pc.Run(s => s.Mlock(a + 2 * Page, 3 * Page)));
        Assert.Equal("VmLck:\t      12 kB", pc.Status("VmLck"));
        Assert.Equal(before + 3, pc.Mm.MapCount);
        Assert.Equal(0, pc.Run(s => s.Munlock(a + 2 * Page, 3 * Page)));
        Assert.Equal("VmLck:\t       0 kB", pc.Status("VmLck"));
        Assert.Equal(before + 3, pc.Mm.MapCount);
    }

    /// <summary>
    /// Q: mlock more than RLIMIT_MEMLOCK allows; and mmap after mlockall(MCL_FUTURE) over the
    /// limit? A: with a limit of 4 pages, mlock of 8 pages is refused with ENOMEM (2.4.20's sys_mlock
    /// checks the limit itself); mmap of a locked mapping over the limit is EAGAIN. Nothing changes.
    /// </summary>
    [Fact, Chapter(4)]
    public void LockingOverRlimitMemlock_IsRefused()
    {
        var pc = new ProgramPc();
        pc.P.Rlim[Resource.RlimitMemlock].RlimCur = 4 * Page;
        uint a = pc.Run(s => s.Mmap(0, 8 * Page, Rw, Anon));
        int count = pc.Mm.MapCount;
        Assert.Equal(-Errno.Enomem, pc.Run(s => s.Mlock(a, 8 * Page)));
        Assert.Equal(count, pc.Mm.MapCount);
        Assert.Equal(-Errno.Enomem, pc.Run(s => s.Mlockall(Mman.MclCurrent)));
        pc.Mm.DefFlags = VmFlags.Locked; // what mlockall(MCL_FUTURE) leaves behind
        Assert.Equal(unchecked((uint)-Errno.Eagain), pc.Run(s => s.Mmap(0, 8 * Page, Rw, Anon)));
        Assert.Equal(0u, pc.Mm.LockedVm);
    }

    /// <summary>
    /// Q: the program's break starts just past its bss. What does brk(old + 20 KiB) do to the
    /// regions? A: exec made the whole bss pages (0x0804d000-0x0804f000) a brk region with the
    /// default data flags; do_brk of the next 5 pages merges into it (vma_merge), so it simply grows
    /// to 0x08054000 and the region count stays the same.
    /// </summary>
    [Fact, Chapter(4)]
    public void Brk_GrowsTheHeapRegionInPlace()
    {
        var pc = new ProgramPc();
        int before = pc.Mm.MapCount;
        uint brk = pc.Run(s => s.Brk(0));
        Assert.Equal(0x0804f000u, brk);
        Assert.Equal(brk + 0x5000, pc.Run(s => s.Brk(brk + 0x5000)));
        Assert.Equal(before, pc.Mm.MapCount);
        Assert.Contains("0804d000-08054000 rwxp 00000000 00:00 0", pc.Maps());
    }

    /// <summary>
    /// Q: a 2-page mapping is followed directly by a read-only page. mremap it to 4 pages: without
    /// MREMAP_MAYMOVE, and with? A: it cannot grow in place (the next region starts 2 pages on):
    /// without MAYMOVE that is ENOMEM. With it, get_unmapped_area (searching while the old mapping
    /// still exists) finds 0x40003000, the ptes move there and the old range is unmapped.
    /// </summary>
    [Fact, Chapter(4)]
    public void Mremap_ThatCannotGrowInPlace_Moves()
    {
        var pc = new ProgramPc();
        uint a = pc.Run(s => s.Mmap(0, 2 * Page, Rw, Anon));
        pc.Run(s => s.Mmap(0, Page, Mman.ProtRead, Anon));
        Assert.Equal(unchecked((uint)-Errno.Enomem), pc.Run(s => s.Mremap(a, 2 * Page, 4 * Page)));
        Assert.Equal(0x40003000u, pc.Run(s => s.Mremap(a, 2 * Page, 4 * Page, Mman.MremapMaymove)));
        Assert.DoesNotContain(pc.Maps(), l => l.StartsWith("40000000", StringComparison.Ordinal));
        Assert.Contains("40003000-40007000 rw-p 00000000 00:00 0", pc.Maps());
    }

    /// <summary>
    /// Q: what does /proc/pid/maps of the freshly exec'd program show? A: text r-xp at 0x08048000
    /// (4 pages), data rw-p (1 page), the bss/heap rwxp (2 pages), and the stack: one page of
    /// argument strings just below 0xc0000000, rwxp (VM_STACK_FLAGS).
    /// </summary>
    [Fact, Chapter(4)]
    public void FreshProcess_MapsLikeA24ElfProcess()
    {
        var pc = new ProgramPc();
        Assert.Equal(
        [
            "08048000-0804c000 r-xp 00000000 00:00 0",
            "0804c000-0804d000 rw-p 00000000 00:00 0",
            "0804d000-0804f000 rwxp 00000000 00:00 0",
            "bffff000-c0000000 rwxp 00000000 00:00 0",
        ], pc.Maps());
        Assert.Equal("VmSize:\t      32 kB", pc.Status("VmSize"));
        Assert.Equal("VmStk:\t       4 kB", pc.Status("VmStk"));
    }

    /// <summary>
    /// Q: munmap one page in the middle of a 3-page mapping: what is left? A: unmap_fixup keeps the
    /// lower page in the old region and puts the upper one in the spare region, with vm_pgoff 2.
    /// VmSize: the fresh process's 32 kB, plus 12, minus 4 = 40 kB.
    /// </summary>
    [Fact, Chapter(4)]
    public void MunmapOfTheMiddle_SplitsTheRegion()
    {
        var pc = new ProgramPc();
        uint a = pc.Run(s => s.Mmap(0, 3 * Page, Rw, Anon));
        Assert.Equal(0, pc.Run(s => s.Munmap(a + Page, Page)));
        Assert.Contains("40000000-40001000 rw-p 00000000 00:00 0", pc.Maps());
        Assert.Contains("40002000-40003000 rw-p 00002000 00:00 0", pc.Maps());
        Assert.Equal("VmSize:\t      40 kB", pc.Status("VmSize"));
    }

    /// <summary>
    /// Q: which bad calls fail, with what, and what changes? A: an unaligned munmap is EINVAL, a
    /// mmap of neither private nor shared type is EINVAL, mprotect of an unmapped range is ENOMEM,
    /// an unknown PROT bit is EINVAL, and a file mapping with no such descriptor is EBADF. The
    /// regions are unchanged.
    /// </summary>
    [Fact, Chapter(4)]
    public void BadCalls_GetTheErrnoOf24_AndChangeNothing()
    {
        var pc = new ProgramPc();
        string before = pc.K.ProcPid.Maps(pc.P.Pid);
        Assert.Equal(-Errno.Einval, pc.Run(s => s.Munmap(0x40000123, Page)));
        Assert.Equal(unchecked((uint)-Errno.Einval), pc.Run(s => s.Mmap(0, Page, Rw, Mman.MapAnonymous)));
        Assert.Equal(-Errno.Enomem, pc.Run(s => s.Mprotect(0x50000000, Page, Mman.ProtRead)));
        Assert.Equal(-Errno.Einval, pc.Run(s => s.Mprotect(0x08048000, Page, 0x8)));
        Assert.Equal(unchecked((uint)-Errno.Ebadf), pc.Run(s => s.Mmap(0, Page, Rw, Mman.MapPrivate, fd: 3)));
        Assert.Equal(before, pc.K.ProcPid.Maps(pc.P.Pid));
    }
}
