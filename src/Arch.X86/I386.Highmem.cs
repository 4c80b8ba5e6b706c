using LinuxVm.Mm.Arch;
using LinuxVm.Mm.Include;

namespace LinuxVm.Arch.X86;

// include/asm-i386/highmem.h's atomic kmaps and the kmap globals that arch/i386/mm/init.c sets up.
public sealed partial class I386
{
    /// <inheritdoc/>
    public PtePtr KmapPte { get; internal set; }

    /// <inheritdoc/>
    public Pgprot KmapProt { get; internal set; }

    /// <inheritdoc/>
    /// <remarks>Port note: this is mm/highmem.c's global; it lives on the architecture because
    /// pagetable_init fills it in, and mm/highmem.c reads it from here.</remarks>
    public PtePtr PkmapPageTable { get; internal set; }

    /// <inheritdoc/>
    public uint KmapAtomic(Page page, KmType type)
    {
        Page? highStart = Kernel.Memory.HighmemStartPage;
        if (highStart is null || page.MapNr < highStart.MapNr)
            return Kernel.PageAddress(page);

        int idx = (int)type + (int)KmType.TypeNr * Kernel.CurrentCpu;
        uint vaddr = Fixmap.FixToVirtCore(Fixmap.FixKmapBegin + idx);
        // Fixmap slots grow downwards, so slot idx's pte sits idx entries below the first one.
        SetPte(KmapPte - idx, MkPte(page, KmapProt));
        FlushTlbOne(vaddr);
        return vaddr;
    }

    /// <inheritdoc/>
    /// <remarks>Without CONFIG_DEBUG_HIGHMEM the slot is simply left mapped until its next use.</remarks>
    public void KunmapAtomic(uint kvaddr, KmType type) { }
}
