using System.Runtime.CompilerServices;

namespace LinuxVm.Mm.Sim;

/// <summary>
/// A bit array stored in simulated physical memory, as the kernel's bitmaps are (the bootmem map,
/// the buddy allocator's pair bits). The bit operations follow include/asm-i386/bitops.h: bit
/// <c>n</c> is bit <c>n % 32</c> of the 32-bit word <c>n / 32</c>.
/// </summary>
public sealed class Bitmap
{
    private readonly PhysicalMemory _memory;
    // The frames the bitmap spans, remembered once they exist: PhysicalMemory never replaces a
    // frame's array, so the buddy allocator's hot path skips the lookup after the first access.
    private readonly byte[]?[] _frames;
    private readonly uint _firstPfn;

    /// <summary>Views <paramref name="bits"/> bits starting at physical address <paramref name="paddr"/>.</summary>
    /// <param name="memory">The machine's RAM.</param>
    /// <param name="paddr">Physical address of the first word.</param>
    /// <param name="virt">The kernel virtual address the kernel would use for it (kept for display).</param>
    /// <param name="bits">Number of bits.</param>
    public Bitmap(PhysicalMemory memory, ulong paddr, uint virt, uint bits)
    {
        _memory = memory;
        PhysicalAddress = paddr;
        VirtualAddress = virt;
        Bits = bits;
        _firstPfn = (uint)(paddr >> 12);
        ulong lastByte = bits == 0 ? paddr : paddr + ((bits - 1) >> 5) * 4u + 3;
        _frames = new byte[]?[(lastByte >> 12) - _firstPfn + 1];
    }

    /// <summary>Physical address of the bitmap.</summary>
    public ulong PhysicalAddress { get; }

    /// <summary>Kernel virtual address of the bitmap.</summary>
    public uint VirtualAddress { get; }

    /// <summary>Number of bits.</summary>
    public uint Bits { get; }

    private ulong WordAddress(uint nr)
    {
        if (nr >= Bits)
            throw new ArgumentOutOfRangeException(nameof(nr), $"bit {nr} outside a bitmap of {Bits} bits");
        return PhysicalAddress + (nr >> 5) * 4u;
    }

    // The 32-bit word holding bit nr, materialising its frame (for writes).
    private ref uint Word(uint nr)
    {
        ulong a = WordAddress(nr);
        uint pfn = (uint)(a >> 12);
        byte[] frame = _frames[pfn - _firstPfn] ??= _memory.Frame(pfn);
        return ref Unsafe.As<byte, uint>(ref frame[(int)(a & 4095)]);
    }

    /// <summary>Reads bit <paramref name="nr"/>.</summary>
    /// <param name="nr">Bit number.</param>
    [Linux("include/asm-i386/bitops.h", "test_bit")]
    public bool TestBit(uint nr)
    {
        ulong a = WordAddress(nr);
        uint pfn = (uint)(a >> 12);
        byte[]? frame = _frames[pfn - _firstPfn] ??= _memory.PeekFrame(pfn);
        return frame is not null && (Unsafe.As<byte, uint>(ref frame[(int)(a & 4095)]) & (1u << (int)(nr & 31))) != 0;
    }

    /// <summary>Sets bit <paramref name="nr"/>.</summary>
    /// <param name="nr">Bit number.</param>
    [Linux("include/asm-i386/bitops.h", "set_bit")]
    public void SetBit(uint nr) => Word(nr) |= 1u << (int)(nr & 31);

    /// <summary>Clears bit <paramref name="nr"/>.</summary>
    /// <param name="nr">Bit number.</param>
    [Linux("include/asm-i386/bitops.h", "clear_bit")]
    public void ClearBit(uint nr)
    {
        // Clearing a bit of a frame nobody wrote changes nothing: it already reads as zero.
        if (TestBit(nr))
            Word(nr) &= ~(1u << (int)(nr & 31));
    }

    /// <summary>Sets bit <paramref name="nr"/> and returns its old value.</summary>
    /// <param name="nr">Bit number.</param>
    [Linux("include/asm-i386/bitops.h", "test_and_set_bit")]
    public bool TestAndSetBit(uint nr)
    {
        bool old = TestBit(nr);
        if (!old)
            SetBit(nr);
        return old;
    }

    /// <summary>Clears bit <paramref name="nr"/> and returns its old value.</summary>
    /// <param name="nr">Bit number.</param>
    [Linux("include/asm-i386/bitops.h", "test_and_clear_bit")]
    public bool TestAndClearBit(uint nr)
    {
        bool old = TestBit(nr);
        if (old)
            ClearBit(nr);
        return old;
    }

    /// <summary>Flips bit <paramref name="nr"/> and returns its old value.</summary>
    /// <param name="nr">Bit number.</param>
    [Linux("include/asm-i386/bitops.h", "__test_and_change_bit")]
    public bool TestAndChangeBit(uint nr)
    {
        ref uint w = ref Word(nr);
        uint m = 1u << (int)(nr & 31);
        bool old = (w & m) != 0;
        w ^= m;
        return old;
    }

    /// <summary>Flips bit <paramref name="nr"/>.</summary>
    /// <param name="nr">Bit number.</param>
    [Linux("include/asm-i386/bitops.h", "__change_bit")]
    public void ChangeBit(uint nr) => TestAndChangeBit(nr);
}
