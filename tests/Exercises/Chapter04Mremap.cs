using LinuxVm.Arch.X86;
using LinuxVm.Mm;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.KernelModel;

namespace LinuxVm.Exercises;

/// <summary>
/// Chapter 4, Process address space: exercises on the order in which mm/mremap.c checks and acts.
/// Each runs a process exec'd from a small program on a booted 32 MiB PC, as in
/// <see cref="Chapter04Vmas"/>.
/// </summary>
public class Chapter04Mremap
{
    private const uint Rw = Mman.ProtRead | Mman.ProtWrite;
    private const uint Anon = Mman.MapPrivate | Mman.MapAnonymous;
    private const uint Page = 0x1000;

    /// <summary>
    /// Q: a 4-page mapping at 0x40000000 and a 2-page one at 0x40010000. In 2.4.20, what does
    /// mremap(0x40000000, 4 pages, 2 pages, MREMAP_MAYMOVE | MREMAP_FIXED, 0x40010000) return, and
    /// what is left mapped? A: -EFAULT, and yet both mappings changed. do_mremap first clears the
    /// FIXED target (the 2-page mapping is gone), then treats the call as a shrink and unmaps the
    /// last 2 pages of the old mapping. It does not stop there, because the mapping is to move;
    /// but it keeps old_len at 4 pages, and the region at addr now ends 2 pages on, so the check
    /// that the old range lies in one region fails: -EFAULT. Only the first 2 pages at 0x40000000
    /// remain.
    /// </summary>
    [Fact, Chapter(4)]
    public void FixedShrinkToAnotherAddress_FailsAfterUnmappingTwice()
    {
        var pc = new ProgramPc();
        uint a = pc.Run(s => s.Mmap(0, 4 * Page, Rw, Anon));
        uint b = pc.Run(s => s.Mmap(0x40010000, 2 * Page, Rw, Anon | Mman.MapFixed));
        Assert.Equal(0x40000000u, a);

        uint r = pc.Run(s => s.Mremap(a, 4 * Page, 2 * Page, Mman.MremapMaymove | Mman.MremapFixed, b));

        Assert.Equal(unchecked((uint)-Errno.Efault), r);
        Assert.Contains("40000000-40002000 rw-p 00000000 00:00 0", pc.Maps());
        Assert.DoesNotContain(pc.Maps(), l => l.StartsWith("40010000", StringComparison.Ordinal));
    }

    /// <summary>
    /// Q: the stack page is at 0xbffff000 and a read-only mapping sits at 0x41a2c000. What does
    /// mremap(0xbffff000, 0x9be8d000, 0x81a2d000, MREMAP_MAYMOVE) do? A: the new length is the
    /// smaller, so it is a shrink: the tail [addr + new_len, addr + old_len) is unmapped and the
    /// call returns addr. Nothing checks that the old range lies inside one region before the
    /// unmap, and addr + new_len wraps past 4 GiB to 0x41a2c000: the read-only mapping goes, the
    /// stack stays, and the call "succeeds".
    /// </summary>
    [Fact, Chapter(4)]
    public void ShrinkWhoseEndWrapsAround_UnmapsSomethingElse()
    {
        var pc = new ProgramPc();
        uint x = pc.Run(s => s.Mmap(0x41a2c000, 4 * Page, Mman.ProtRead, Anon | Mman.MapFixed));
        Assert.Equal(0x41a2c000u, x);

        uint r = pc.Run(s => s.Mremap(0xbffff000, 0x9be8d000, 0x81a2d000, Mman.MremapMaymove));

        Assert.Equal(0xbffff000u, r);
        Assert.DoesNotContain(pc.Maps(), l => l.StartsWith("41a2c000", StringComparison.Ordinal));
        Assert.Contains("bffff000-c0000000 rwxp 00000000 00:00 0", pc.Maps());
    }
}
