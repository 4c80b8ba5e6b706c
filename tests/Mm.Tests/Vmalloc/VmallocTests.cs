using FsCheck.Xunit;
using LinuxVm.Arch.X86;
using LinuxVm.Mm;
using LinuxVm.Mm.Include;

namespace LinuxVm.Mm.Tests.VmallocTests;

public class VmallocTests
{
    private static Machine Boot(ulong mib = 64, bool pae = false) =>
        Machine.Boot(new MachineConfig { RamBytes = mib << 20, Pae = pae });

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Areas_AreFirstFit_WithAGuardPage(bool pae)
    {
        Machine m = Boot(pae: pae);
        Vmalloc v = m.Kernel.Vmalloc;
        uint start = m.Arch.VmallocStart;
        Assert.Equal(0xC4800000u, start);                 // high_memory 0xC4000000 + 8 MiB, rounded to 8 MiB
        uint a = v.Alloc(10000);                          // 3 pages + guard
        uint b = v.Alloc(4096);
        Assert.Equal(start, a);
        Assert.Equal(start + 4 * 4096, b);
        v.Vfree(a);
        uint c = v.Alloc(8192);                           // fits in a's hole (2 pages + guard <= 4)
        Assert.Equal(start, c);
        v.CheckInvariants();
        // The paging unit alone (no fault handler) faults on the guard page.
        Assert.Throws<PageFaultException>(() => new Mmu(m.Kernel.Phys).ReadByte(m.CurrentCpu, c + 2 * 4096));
    }

    [Fact]
    public void Data_WrittenThroughTheMmu_IsReadBackByVread()
    {
        Machine m = Boot();
        Vmalloc v = m.Kernel.Vmalloc;
        uint a = v.Alloc(3 * 4096);
        byte[] data = [.. Enumerable.Range(0, 3 * 4096).Select(i => (byte)(i * 7))];
        m.Arch.WriteVirtual(a, data);
        byte[] back = new byte[data.Length];
        Assert.Equal(data.Length, v.Vread(back, a, (uint)data.Length));
        Assert.Equal(data, back);
        Assert.Equal(5, v.Vwrite(new byte[] { 1, 2, 3, 4, 5 }, a + 100, 5));
        Assert.Equal(3, m.Mmu.ReadByte(m.CurrentCpu, a + 102));
    }

    [Fact]
    public void ZeroAndHugeSizes_ReturnNull_AndChangeNothing()
    {
        Machine m = Boot(1024);
        Vmalloc v = m.Kernel.Vmalloc;
        uint first = v.Alloc(4096);
        uint free = m.Kernel.PageAlloc.NrFreePages();
        Assert.Equal(0u, v.Alloc(0));                     // BUG() in 2.4.20: logged, NULL
        Assert.Equal(0u, v.Alloc(2u << 30));              // more pages than the machine has
        Assert.Equal(0u, v.Alloc(200u << 20));            // bigger than the ~120 MiB vmalloc range
        Assert.Equal(first, v.Vmlist!.Addr);
        Assert.Null(v.Vmlist.Next);
        Assert.Equal(free, m.Kernel.PageAlloc.NrFreePages());
    }

    [Fact]
    public void GetVmArea_OnAnEmptyList_DoesNotCheckVmallocEnd()
    {
        // 2.4.20's get_vm_area compares against VMALLOC_END only inside its loop over existing
        // areas, so with an empty vmlist any size is accepted. Faithfully kept.
        Machine m = Boot(1024);
        VmStruct? area = m.Kernel.Vmalloc.GetVmArea(200u << 20, VmStruct.VmIoremap);
        Assert.NotNull(area);
        Assert.True((ulong)area.Addr + area.Size > m.Arch.VmallocEnd);
    }

    [Fact]
    public void Vfree_OfUnknownOrUnalignedAddress_IsLoggedAndIgnored()
    {
        Machine m = Boot();
        Vmalloc v = m.Kernel.Vmalloc;
        uint a = v.Alloc(4096);
        v.Vfree(a + 1);
        v.Vfree(a + 4096);
        Assert.Contains(m.Log, l => l.StartsWith("Trying to vfree() bad address", StringComparison.Ordinal));
        Assert.Contains(m.Log, l => l.StartsWith("Trying to vfree() nonexistent vm area", StringComparison.Ordinal));
        Assert.NotNull(v.Vmlist);
    }

    [Fact]
    public void Ioremap_MapsDeviceMemoryInTheVmallocRange()
    {
        Machine m = Boot();
        Ioremap io = m.Arch.Ioremap;
        uint va = io.MapNocache(0xFEC00010, 16);
        Assert.Equal(m.Arch.VmallocStart + 0x10, va);
        Assert.Equal(0u, io.Map(0x3000000, 4096));         // free RAM: refused (only reserved pages may be remapped)
        Assert.Equal(m.Kernel.Va(0xB8000), io.Map(0xB8000, 4000)); // VGA window is already mapped
        io.Iounmap(va);
        Assert.Null(m.Kernel.Vmalloc.Vmlist);
    }

    [Property(MaxTest = 40)]
    public bool RandomAllocFree_KeepsAreasDisjointSorted_AndFreeingAllRestoresFreePages(int[] ops, bool pae)
    {
        Machine m = Boot(32, pae);
        Vmalloc v = m.Kernel.Vmalloc;
        // The vm_struct descriptors come from the size-32 kmalloc cache, which keeps its slabs (and
        // per-CPU arrays keep freed objects) after vfree: count slab pages as well as free ones.
        uint free = m.Kernel.PageAlloc.NrFreePages() + (uint)m.Kernel.Slab.PagesInSlabs();
        var held = new List<uint>();
        uint tables = 0;
        foreach (int x in ops)
        {
            if ((x & 1) != 0 && held.Count > 0)
            {
                int i = (int)((uint)x >> 8) % held.Count;
                v.Vfree(held[i]);
                held.RemoveAt(i);
            }
            else
            {
                uint size = (uint)((x >> 1) & 0x1FFFF) + 1;   // 1 byte .. 128 KiB
                uint a = v.Alloc(size);
                if (a != 0)
                {
                    held.Add(a);
                    // Guard page: the paging unit alone (no fault handler) faults on it.
                    VmStruct area = v.Areas.First(r => r.Addr == a);
                    try
                    {
                        new Mmu(m.Kernel.Phys).ReadByte(m.CurrentCpu, area.Addr + area.Size - 4096);
                        return false;
                    }
                    catch (PageFaultException) { }
                }
            }
            v.CheckInvariants();
        }
        foreach (uint a in held)
            v.Vfree(a);
        v.CheckInvariants();
        // Page tables made for the vmalloc range stay allocated (vfree never frees them).
        tables = CountPageTables(m);
        return v.Vmlist is null && m.Kernel.PageAlloc.NrFreePages() + (uint)m.Kernel.Slab.PagesInSlabs() + tables == free;
    }

    private static uint CountPageTables(Machine m)
    {
        var a = m.Arch;
        uint n = 0;
        for (ulong va = a.VmallocStart & a.PmdMask; va < a.VmallocEnd; va += a.PmdSize)
        {
            var pmd = a.ReadPmd(a.PmdOffset(a.PgdOffsetK((uint)va), (uint)va));
            if (!pmd.None && !pmd.Bad)
                n++;
        }
        return n;
    }
}
