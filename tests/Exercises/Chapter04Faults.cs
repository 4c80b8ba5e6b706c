using LinuxVm.Arch.X86;
using LinuxVm.Mm;
using LinuxVm.Mm.Arch;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.KernelModel;
using LinuxVm.Mm.Tests.Arch.X86;

namespace LinuxVm.Exercises;

/// <summary>
/// Chapter 4, page faults: demand allocation, the zero page, copy-on-write, stack growth, and the
/// kernel's copies to and from user space. Every machine is a booted 16 MiB PC (2-level page
/// tables) running init and the processes each exercise spawns; regions are private anonymous
/// mappings, as mmap(MAP_PRIVATE | MAP_ANONYMOUS) makes them.
/// </summary>
public class Chapter04Faults
{
    private const uint Base = 0x40000000; // 4 MiB aligned: one page table covers Base..Base+4 MiB

    /// <summary>
    /// Q: A process reads one word of a fresh anonymous page. How many faults, of which kind, how
    /// many pages of memory does it cost, and what is its rss?
    /// Reasoning: the pte is empty, so do_no_page runs; the region has no nopage method, so
    /// do_anonymous_page maps the shared zero page read-only. That is one minor fault. The only
    /// page allocated is the page table the pte lives in; rss stays 0 because the zero page is
    /// reserved and never counted.
    /// </summary>
    [Fact, Chapter(4)]
    public void FirstRead_IsOneMinorFault_CostingOnlyAPageTable()
    {
        var pc = ProcessPc.Boot();
        var p = pc.Spawn("reader");
        pc.MapAnonymous(p, Base, 16 * 4096);
        uint free = pc.FreeIncludingQuicklists();

        Assert.Equal(0u, pc.User.ReadU32(p, Base + 100));

        Assert.Equal((1u, 0u), (p.MinFlt, p.MajFlt));
        Assert.Equal(0u, p.Mm!.Rss);
        Assert.Equal(free - 1, pc.FreeIncludingQuicklists());
    }

    /// <summary>
    /// Q: The same process then writes to the page it read. What happens?
    /// Reasoning: the pte is present but read-only, in a writable region: a protection fault that
    /// handle_pte_fault sends to do_wp_page. The zero page is reserved, so it is never reused: a
    /// new page is allocated, and copy_cow_page clears it rather than copying zeros. rss grows to 1
    /// (do_wp_page adds one because the old page was reserved). Two minor faults in all.
    /// </summary>
    [Fact, Chapter(4)]
    public void WriteAfterRead_ReplacesTheZeroPageWithAPrivatePage()
    {
        var pc = ProcessPc.Boot();
        var p = pc.Spawn("writer");
        pc.MapAnonymous(p, Base, 16 * 4096);
        Assert.Equal(0u, pc.User.ReadU32(p, Base));
        Page zero = pc.Kernel.Arch.ZeroPage(0);
        Assert.Same(zero, pc.Kernel.Memory.FollowPage(p.Mm!, Base, 0));

        Assert.True(pc.User.WriteU32(p, Base, 42));

        Assert.Equal(2u, p.MinFlt);
        Assert.Equal(1u, p.Mm!.Rss);
        Page mine = pc.Kernel.Memory.FollowPage(p.Mm, Base, 1)!;
        Assert.NotSame(zero, mine);
        Assert.Equal(1, mine.Count);
    }

    /// <summary>
    /// Q: A process writes one word into each of the 1024 pages of a 4 MiB-aligned region. How many
    /// faults, how many pages allocated?
    /// Reasoning: each first write is one minor fault in do_anonymous_page with write access, which
    /// allocates and clears a page: 1024 faults, 1024 pages. All 1024 ptes sit in one page table
    /// (a 2-level table maps 4 MiB), so 1025 pages in all. rss is 1024.
    /// </summary>
    [Fact, Chapter(4)]
    public void WritingEveryPageOf4MiB_Takes1024FaultsAnd1025Pages()
    {
        var pc = ProcessPc.Boot();
        var p = pc.Spawn("filler");
        pc.MapAnonymous(p, Base, 1024 * 4096);
        uint free = pc.FreeIncludingQuicklists();

        pc.Kernel.Driver.RunAs(p, () =>
        {
            for (uint i = 0; i < 1024; i++)
                Assert.True(pc.User.WriteU32(Base + i * 4096, i));
        });

        Assert.Equal(1024u, p.MinFlt);
        Assert.Equal(1024u, p.Mm!.Rss);
        Assert.Equal(free - 1025, pc.FreeIncludingQuicklists());
    }

    /// <summary>
    /// Q: A process has written 10 pages and forks. The child writes 3 of them, then the parent
    /// writes the same 3. How many pages are copied?
    /// Reasoning: fork shares all 10 pages (count 2 each) and write-protects both sides. The child's
    /// 3 writes find count 2: 3 copies, after which those 3 old pages have count 1 again. The
    /// parent's writes then find count 1: can_share_swap_page says reuse, the pte is just made
    /// writable. 3 pages copied, 3 new pages.
    /// </summary>
    [Fact, Chapter(4)]
    public void WriteAfterFork_CopiesOnlyWhileThePageIsShared()
    {
        var pc = ProcessPc.Boot();
        var parent = pc.Spawn("parent");
        pc.MapAnonymous(parent, Base, 10 * 4096);
        pc.Kernel.Driver.RunAs(parent, () =>
        {
            for (uint i = 0; i < 10; i++)
                pc.User.WriteU32(Base + i * 4096, i);
        });
        var child = pc.Fork(parent);
        uint free = pc.FreeIncludingQuicklists();

        for (uint i = 0; i < 3; i++)
            Assert.True(pc.User.WriteU32(child, Base + i * 4096, 100 + i));
        Assert.Equal(free - 3, pc.FreeIncludingQuicklists());

        for (uint i = 0; i < 3; i++)
            Assert.True(pc.User.WriteU32(parent, Base + i * 4096, 200 + i));
        Assert.Equal(free - 3, pc.FreeIncludingQuicklists());

        Assert.Equal(100u, pc.User.ReadU32(child, Base));
        Assert.Equal(200u, pc.User.ReadU32(parent, Base));
        Assert.Equal(9u, pc.User.ReadU32(child, Base + 9 * 4096));
    }

    /// <summary>
    /// Q: After fork, what is the child's rss if the parent had written 5 pages and only read 3
    /// others?
    /// Reasoning: copy_page_range copies every present pte, but gets a reference and counts rss only
    /// for pages that are not reserved. The 3 read pages map the zero page, which is reserved: the
    /// child's rss is 5, like the parent's.
    /// </summary>
    [Fact, Chapter(4)]
    public void ForkedRss_CountsPrivatePages_NotTheZeroPage()
    {
        var pc = ProcessPc.Boot();
        var parent = pc.Spawn("parent");
        pc.MapAnonymous(parent, Base, 8 * 4096);
        for (uint i = 0; i < 5; i++)
            pc.User.WriteU32(parent, Base + i * 4096, 1);
        for (uint i = 5; i < 8; i++)
            pc.User.ReadU32(parent, Base + i * 4096);

        var child = pc.Fork(parent);

        Assert.Equal(5u, parent.Mm!.Rss);
        Assert.Equal(5u, child.Mm!.Rss);
    }

    /// <summary>
    /// Q: A process has a private anonymous region (page 0 written, page 1 only read) and a shared
    /// anonymous region 4 MiB above it (page 0 written), and forks. Which of the parent's ptes does
    /// fork write-protect, what do the child's ptes look like, and which pages gain a reference?
    /// Reasoning: copy_page_range treats a region as copy-on-write when it has VM_MAYWRITE and not
    /// VM_SHARED. The private region qualifies: its writable pte is write-protected in the parent
    /// and copied read-only to the child, and the page's count goes from 1 to 2. The shared region
    /// has VM_SHARED: its pte stays writable on both sides, the child's copy is marked clean, and
    /// its page (one reference from the page cache, one from the parent's pte) gains the child's
    /// reference. Page 1 maps the zero page, which is reserved: its pte is copied as it is, and it
    /// gets no reference and no rss.
    /// </summary>
    [Fact, Chapter(4)]
    public void Fork_WriteProtectsOnlyPrivateRegions_AndTakesNoReferenceOnTheZeroPage()
    {
        const uint Shared = Base + 0x400000;
        var pc = ProcessPc.Boot();
        var parent = pc.Spawn("parent");
        pc.MapAnonymous(parent, Base, 2 * 4096);
        Assert.Equal(Shared, pc.Kernel.Driver.RunAs(parent, () => pc.Kernel.Syscalls.Mmap(Shared, 4096,
            Mman.ProtRead | Mman.ProtWrite, Mman.MapShared | Mman.MapAnonymous | Mman.MapFixed)));
        Assert.True(pc.User.WriteU32(parent, Base, 1));
        pc.User.ReadU32(parent, Base + 4096);
        Assert.True(pc.User.WriteU32(parent, Shared, 2));
        Page priv = pc.Kernel.Memory.FollowPage(parent.Mm!, Base, 0)!;
        Page shared = pc.Kernel.Memory.FollowPage(parent.Mm!, Shared, 0)!;
        Page zero = pc.Kernel.Arch.ZeroPage(0);
        (int privCount, int sharedCount, int zeroCount) = (priv.Count, shared.Count, zero.Count);

        var child = pc.Fork(parent);

        Pte PteOf(TaskStruct t, uint address)
        {
            var a = pc.Kernel.Arch;
            return a.ReadPte(a.PteOffset(a.PmdOffset(a.PgdOffset(t.Mm!, address), address), address));
        }
        Assert.False(PteOf(parent, Base).Write);
        Assert.False(PteOf(child, Base).Write);
        Assert.True(PteOf(parent, Shared).Write);
        Assert.True(PteOf(child, Shared).Write);
        Assert.False(PteOf(child, Shared).Dirty);
        Assert.Equal((privCount + 1, sharedCount + 1, zeroCount), (priv.Count, shared.Count, zero.Count));
        Assert.Same(zero, pc.Kernel.Arch.PtePage(PteOf(child, Base + 4096)));
        Assert.Equal(parent.Mm!.Rss, child.Mm!.Rss);
    }

    /// <summary>
    /// Q: The stack region starts at 0xBFFFF000 (one page) and esp is 0xBFFFD000. The process
    /// writes at esp - 16. What happens to the region?
    /// Reasoning: find_vma returns the stack (the first region ending above the address); the address
    /// is below vm_start, the region grows down, and the address is within 32 bytes of esp, so
    /// expand_stack moves vm_start down to the page holding it: 0xBFFFC000. The region is 4 pages
    /// now, total_vm grew by 3, and the write's fault then allocates just that one page.
    /// </summary>
    [Fact, Chapter(4)]
    public void StackGrowsDown_ToTheTouchedPage()
    {
        var pc = ProcessPc.Boot();
        var p = pc.Spawn("deep");
        var stack = pc.MapAnonymous(p, 0xBFFFF000, 4096, extraFlags: VmFlags.GrowsDown);
        uint totalVm = p.Mm!.TotalVm;
        pc.Arch.Thread(p).Regs.Esp = 0xBFFFD000;

        Assert.True(pc.User.WriteU32(p, 0xBFFFD000 - 16, 7));

        Assert.Equal(0xBFFFC000u, stack.VmStart);
        Assert.Equal(totalVm + 3, p.Mm.TotalVm);
        Assert.Equal(1u, p.Mm.Rss);
    }

    /// <summary>
    /// Q: Same stack, esp at 0xBFFFF000; the process writes at 0xBFFF0000, far below esp. And then?
    /// Reasoning: a user-mode access more than 32 bytes below esp is a bug by definition: bad_area,
    /// SIGSEGV with si_code SEGV_MAPERR (no region was found for the address). The signal is
    /// delivered on the way back to user mode and its default action ends the process, with exit
    /// code 11. The stack did not grow.
    /// </summary>
    [Fact, Chapter(4)]
    public void AccessFarBelowEsp_IsSigsegv_AndTheStackDoesNotGrow()
    {
        var pc = ProcessPc.Boot();
        var p = pc.Spawn("wild");
        var stack = pc.MapAnonymous(p, 0xBFFFF000, 4096, extraFlags: VmFlags.GrowsDown);
        pc.Arch.Thread(p).Regs.Esp = 0xBFFFF000;

        Assert.False(pc.User.WriteU32(p, 0xBFFF0000, 7));

        Assert.Equal(Sched.TaskZombie, p.State);
        Assert.Equal(Signal.Sigsegv, p.ExitCode);
        Assert.Equal(Fault.SegvMaperr, pc.Arch.Thread(p).LastSiCode);
        Assert.Equal(0xBFFFF000u, stack.VmStart);
    }

    /// <summary>
    /// Q: Same stack, esp at 0xBFFFF000. This time a system call writes 4 bytes to 0xBFFF0000 on
    /// the process's behalf (copy_to_user). Does the kernel's access get the SIGSEGV the process's
    /// own access got?
    /// Reasoning: do_page_fault applies the 32-bytes-below-esp rule only to faults from user mode
    /// (error code bit 2). A kernel-mode fault below a VM_GROWSDOWN region goes straight to
    /// expand_stack: the stack grows down to 0xBFFF0000 (16 pages now), the copy completes with
    /// nothing left over, and no signal is sent.
    /// </summary>
    [Fact, Chapter(4)]
    public void KernelAccessFarBelowEsp_GrowsTheStack_TheRuleIsForUserModeOnly()
    {
        var pc = ProcessPc.Boot();
        var p = pc.Spawn("syscall");
        var stack = pc.MapAnonymous(p, 0xBFFFF000, 4096, extraFlags: VmFlags.GrowsDown);
        pc.Arch.Thread(p).Regs.Esp = 0xBFFFF000;
        uint left = 1;

        pc.Kernel.Driver.RunAs(p, () => left = pc.Arch.Uaccess.CopyToUser(0xBFFF0000, new byte[] { 1, 2, 3, 4 }));

        Assert.Equal(0u, left);
        Assert.Equal(0xBFFF0000u, stack.VmStart);
        Assert.NotEqual(Sched.TaskZombie, p.State);
        Assert.Equal(0x04030201u, pc.User.ReadU32(p, 0xBFFF0000));
    }

    /// <summary>
    /// Q: A process maps a region read-only and writes to it. What does the fault handler decide,
    /// and does anyone else notice?
    /// Reasoning: a region exists (so si_code becomes SEGV_ACCERR), but error code 2 (write, not
    /// present) needs VM_WRITE: bad_area, SIGSEGV, the process dies. Another process's memory and
    /// the machine carry on untouched.
    /// </summary>
    [Fact, Chapter(4)]
    public void WriteToReadOnlyRegion_KillsOnlyTheWriter()
    {
        var pc = ProcessPc.Boot();
        var bad = pc.Spawn("bad");
        var good = pc.Spawn("good");
        pc.MapAnonymous(bad, Base, 4096, writable: false);
        pc.MapAnonymous(good, Base, 4096);
        pc.User.WriteU32(good, Base, 5);

        Assert.False(pc.User.WriteU32(bad, Base, 1));

        Assert.Equal(Fault.SegvAccerr, pc.Arch.Thread(bad).LastSiCode);
        Assert.Equal(Sched.TaskZombie, bad.State);
        Assert.Equal(5u, pc.User.ReadU32(good, Base));
    }

    /// <summary>
    /// Q: The kernel copies 8 bytes from a user pointer that lies 4 bytes before the end of the
    /// process's only region (copy_from_user). What does it return, and what is in the buffer?
    /// Reasoning: access_ok only checks the range against PAGE_OFFSET, so the copy starts. The first
    /// 4 bytes are read (the page faults in as the zero page); the next page has no region, so the
    /// fault in kernel mode reaches no_context, finds the copy's exception-table entry and resumes at
    /// its fixup: 4 bytes not copied, and those are zero-filled. The process is not signalled.
    /// </summary>
    [Fact, Chapter(4)]
    public void CopyFromUser_AcrossTheEndOfARegion_ReturnsTheShortfall()
    {
        var pc = ProcessPc.Boot();
        var p = pc.Spawn("syscall");
        pc.MapAnonymous(p, Base, 4096);
        pc.User.WriteU32(p, Base + 4092, 0x01020304);
        byte[] buf = [9, 9, 9, 9, 9, 9, 9, 9];
        uint left = 0;

        pc.Kernel.Driver.RunAs(p, () => left = pc.Arch.Uaccess.CopyFromUser(buf, Base + 4092));

        Assert.Equal(4u, left);
        Assert.Equal(new byte[] { 4, 3, 2, 1, 0, 0, 0, 0 }, buf);
        Assert.NotEqual(Sched.TaskZombie, p.State);
    }
}
