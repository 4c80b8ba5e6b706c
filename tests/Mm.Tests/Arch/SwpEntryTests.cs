using LinuxVm.Mm.Arch;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.Tests.Arch.X86;

namespace LinuxVm.Mm.Tests.Arch;

public class SwpEntryTests
{
    [Fact]
    public void SwpEntry_PacksTypeFromBit1_AndOffsetFromBit8()
    {
        SwpEntry e = SwpEntry.Of(5, 0x1234);
        Assert.Equal((5u << 1) | (0x1234u << 8), e.Val);
        Assert.Equal(5u, e.Type);
        Assert.Equal(0x1234u, e.Offset);

        // The widest fields: 6 bits of type, 24 of offset, and bits 0 and 7 still clear.
        SwpEntry max = SwpEntry.Of(63, 0xFFFFFF);
        Assert.Equal(0xFFFFFF7Eu, max.Val);
        Assert.Equal(63u, max.Type);
        Assert.Equal(0xFFFFFFu, max.Offset);
        Assert.Equal(0u, max.Val & (PageBits.Present | PageBits.ProtNone));
    }

    [Fact]
    public void SwpEntry_RefusesFieldsThatSpillIntoTheirNeighbours()
    {
        var type = Assert.Throws<ArgumentOutOfRangeException>(() => SwpEntry.Of(64, 0));
        Assert.Equal("type", type.ParamName);
        var offset = Assert.Throws<ArgumentOutOfRangeException>(() => SwpEntry.Of(0, 1u << 24));
        Assert.Equal("offset", offset.ParamName);
    }

    [Fact]
    public void SwapPte_IsNeitherPresentNorNone_AndGivesItsEntryBack()
    {
        SwpEntry e = SwpEntry.Of(1, 42);
        Pte pte = Pte.FromSwpEntry(e);
        Assert.False(pte.Present);
        Assert.False(pte.None);
        Assert.Equal(0u, pte.High);
        Assert.Equal(e, pte.ToSwpEntry());

        // With PAE only pte_low carries the entry: whatever the high word holds is not part of it.
        var pae = new Pte(((ulong)7 << 32) | e.Val);
        Assert.Equal(e, pae.ToSwpEntry());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SwapPte_ReachesSwapfile_WhichNamesTheEntryItCannotFree(bool pae)
    {
        // No code writes swap ptes before swap_out is ported; plant one by hand and unmap it:
        // zap_pte_range hands the entry to free_swap_and_cache, which reports the missing port.
        var pc = ProcessPc.Boot(pae: pae);
        Kernel k = pc.Kernel;
        var p = pc.Spawn("p");
        const uint start = 0x10000000;
        pc.MapAnonymous(p, start, 2 * PageConstants.PageSize);
        pc.User.WriteU32(p, start, 1);                    // builds the page table
        IArchitecture a = k.Arch;
        PtePtr ptep = a.PteOffset(a.PmdOffset(a.PgdOffset(p.Mm!, start + PageConstants.PageSize), start + PageConstants.PageSize), start + PageConstants.PageSize);
        a.SetPte(ptep, Pte.FromSwpEntry(SwpEntry.Of(1, 42)));

        var e = Assert.Throws<NotSupportedException>(() => k.Driver.RunAs(p, () => k.Syscalls.Munmap(start, 2 * PageConstants.PageSize)));
        Assert.StartsWith("free_swap_and_cache: swp_entry 0x2a02 (type 1, offset 42)", e.Message);
    }
}
