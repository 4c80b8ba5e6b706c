using LinuxVm.Mm.Arch;

namespace LinuxVm.Mm.Include;

/// <summary>
/// The TLB shoot-down batch of include/asm-generic/tlb.h (SMP build), <c>mmu_gather_t</c>: ptes
/// that zap_page_range has cleared but whose pages may not be freed until every CPU has dropped
/// its TLB entries for them. One per CPU (<see cref="Memory.MmuGathers"/>).
/// </summary>
/// <remarks>
/// When the address space has a single user, no other CPU can be running it, so the batch runs in
/// "fast mode" (<see cref="Nr"/> = ~0): each page is freed at once and one flush ends the zap.
/// </remarks>
[Linux("include/asm-generic/tlb.h", "mmu_gather_t")]
[Linux("include/asm-generic/tlb.h", "struct free_pte_ctx")]
public sealed class MmuGather
{
    /// <summary>How many ptes a batch holds before it is flushed and freed (sized to fit in the L1 cache).</summary>
    [Linux("include/asm-generic/tlb.h", "FREE_PTE_NR")]
    public const int FreePteNr = 508;

    /// <summary>The <see cref="Nr"/> value of fast mode.</summary>
    public const uint FastMode = ~0u;

    /// <summary>The address space being unmapped.</summary>
    [Linux("include/asm-generic/tlb.h", "free_pte_ctx.mm")]
    public MmStruct? Mm { get; set; }

    /// <summary>Ptes gathered so far, or <see cref="FastMode"/>.</summary>
    [Linux("include/asm-generic/tlb.h", "free_pte_ctx.nr")]
    public uint Nr { get; set; }

    /// <summary>Address of the first gathered pte's page.</summary>
    [Linux("include/asm-generic/tlb.h", "free_pte_ctx.start_addr")]
    public uint StartAddr { get; set; }

    /// <summary>End of the last gathered pte's page.</summary>
    [Linux("include/asm-generic/tlb.h", "free_pte_ctx.end_addr")]
    public uint EndAddr { get; set; }

    /// <summary>The gathered ptes.</summary>
    [Linux("include/asm-generic/tlb.h", "free_pte_ctx.ptes")]
    public Pte[] Ptes { get; } = new Pte[FreePteNr];
}
