using LinuxVm.Mm;
using LinuxVm.Mm.Arch;
using LinuxVm.Mm.Include;
using static LinuxVm.Mm.Include.PageConstants;

namespace LinuxVm.Arch.X86;

/// <summary>
/// The port of arch/i386/mm/ioremap.c: mapping a range of physical addresses (device memory, or
/// RAM the kernel does not use) into the vmalloc range, uncached if asked.
/// </summary>
/// <remarks>
/// Port note: bt_ioremap and bt_iounmap, which map through fixmap slots before vmalloc works, are
/// not ported: nothing in the simulated boot calls them. Nothing here reaches real devices: a
/// mapping of a hole reads as zeros from simulated memory.
/// </remarks>
public sealed class Ioremap
{
    private readonly I386 _arch;

    /// <summary>Creates ioremap.c's state.</summary>
    /// <param name="arch">The architecture.</param>
    public Ioremap(I386 arch) => _arch = arch;

    private Kernel K => _arch.Kernel;

    [Linux("arch/i386/mm/ioremap.c", "remap_area_pte")]
    private void RemapAreaPte(PtePtr pte, uint address, uint size, ulong physAddr, uint flags)
    {
        address &= ~_arch.PmdMask;
        uint end = address + size;
        if (end > _arch.PmdSize)
            end = _arch.PmdSize;
        KernelPanicException.BugOn(address >= end, "address >= end", "remap_area_pte");
        do
        {
            if (!_arch.ReadPte(pte).None)
            {
                K.Printk("remap_area_pte: page already exists");
                throw new KernelPanicException("remap_area_pte: page already exists", "remap_area_pte");
            }
            _arch.SetPte(pte, Pte.MkPtePhys(physAddr, new Pgprot(PageBits.Present | PageBits.Rw | PageBits.Dirty | PageBits.Accessed | flags)));
            address += PageSize;
            physAddr += PageSize;
            pte++;
        } while (address != 0 && address < end);
    }

    [Linux("arch/i386/mm/ioremap.c", "remap_area_pmd")]
    private int RemapAreaPmd(PmdPtr pmd, uint address, uint size, ulong physAddr, uint flags)
    {
        address &= ~_arch.PgdirMask;
        ulong end = (ulong)address + size;
        if (end > _arch.PgdirSize)
            end = _arch.PgdirSize;
        physAddr -= address;
        KernelPanicException.BugOn(address >= end, "address >= end", "remap_area_pmd");
        do
        {
            PtePtr pte = K.Memory.PteAlloc(K.InitMm, pmd, address);
            if (pte.IsNull)
                return -12; // -ENOMEM
            RemapAreaPte(pte, address, (uint)(end - address), address + physAddr, flags);
            address = (address + _arch.PmdSize) & _arch.PmdMask;
            pmd++;
        } while (address != 0 && address < end);
        return 0;
    }

    [Linux("arch/i386/mm/ioremap.c", "remap_area_pages")]
    private int RemapAreaPages(uint address, ulong physAddr, uint size, uint flags)
    {
        int error;
        uint end = address + size;
        physAddr -= address;
        PgdPtr dir = _arch.PgdOffset(K.InitMm, address);
        _arch.FlushCacheAll();
        KernelPanicException.BugOn(address >= end, "address >= end", "remap_area_pages");
        K.InitMm.PageTableLock.Lock();
        do
        {
            PmdPtr pmd = K.Memory.PmdAlloc(K.InitMm, dir, address);
            error = -12;
            if (pmd.IsNull)
                break;
            if (RemapAreaPmd(pmd, address, end - address, physAddr + address, flags) != 0)
                break;
            error = 0;
            address = (address + _arch.PgdirSize) & _arch.PgdirMask;
            dir++;
        } while (address != 0 && address < end);
        K.InitMm.PageTableLock.Unlock();
        _arch.FlushTlbAll();
        return error;
    }

    /// <summary>
    /// Maps <paramref name="size"/> bytes of physical memory at <paramref name="physAddr"/> into
    /// the vmalloc range and returns the virtual address (with the same offset in its page).
    /// The ISA window 640 KiB-1 MiB is already mapped and comes back directly; RAM in use by the
    /// kernel is refused (0).
    /// </summary>
    /// <param name="physAddr">Physical address, any alignment.</param>
    /// <param name="size">Bytes.</param>
    /// <param name="flags">Extra pte bits, e.g. <see cref="PageBits.Pcd"/> for uncached.</param>
    [Linux("arch/i386/mm/ioremap.c", "__ioremap")]
    public uint IoremapCore(ulong physAddr, uint size, uint flags)
    {
        ulong lastAddr = physAddr + size - 1;
        if (size == 0 || lastAddr < physAddr)
            return 0;

        if (physAddr >= 0xA0000 && lastAddr < 0x100000)
            return K.Va(physAddr);                       // phys_to_virt

        // Only reserved pages of RAM may be remapped.
        if (physAddr < K.Pa(K.Memory.HighMemory))
        {
            uint tAddr = K.Va(physAddr);
            uint tEnd = tAddr + (size - 1);
            for (int p = K.VirtToPage(tAddr).MapNr; p <= K.VirtToPage(tEnd).MapNr; p++)
                if (!PageFlags.PageReserved(K.Memory.MemMap[p]))
                    return 0;
        }

        uint offset = (uint)(physAddr & ~(ulong)PageMask);
        physAddr &= ~(ulong)~PageMask;
        size = (uint)(((lastAddr + PageSize - 1) & ~(ulong)~PageMask) - physAddr);

        VmStruct? area = K.Vmalloc.GetVmArea(size, VmStruct.VmIoremap);
        if (area is null)
            return 0;
        uint addr = area.Addr;
        if (RemapAreaPages(addr, physAddr, size, flags) != 0)
        {
            K.Vmalloc.Vfree(addr);
            return 0;
        }
        return offset + addr;
    }

    /// <summary>Cached mapping of device memory (<c>ioremap</c>).</summary>
    /// <param name="offset">Physical address.</param>
    /// <param name="size">Bytes.</param>
    [Linux("include/asm-i386/io.h", "ioremap")]
    public uint Map(ulong offset, uint size) => IoremapCore(offset, size, 0);

    /// <summary>Uncached mapping of device memory (<c>ioremap_nocache</c>).</summary>
    /// <param name="offset">Physical address.</param>
    /// <param name="size">Bytes.</param>
    [Linux("include/asm-i386/io.h", "ioremap_nocache")]
    public uint MapNocache(ulong offset, uint size) => IoremapCore(offset, size, PageBits.Pcd);

    /// <summary>Undoes an ioremap (addresses in the direct map are left alone).</summary>
    /// <param name="addr">What ioremap returned.</param>
    [Linux("arch/i386/mm/ioremap.c", "iounmap")]
    public void Iounmap(uint addr)
    {
        if (addr > K.Memory.HighMemory)
            K.Vmalloc.Vfree(PageMask & addr);
    }
}
