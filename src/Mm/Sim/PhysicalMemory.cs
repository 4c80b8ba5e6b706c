using System.Buffers.Binary;
using System.Numerics;

namespace LinuxVm.Mm.Sim;

/// <summary>
/// The machine's RAM: one 4 KiB byte array per page frame, created the first time the frame is
/// written, so a 4 GiB machine costs host memory only for the frames it has touched. Reading a
/// frame that was never written gives zeros.
/// </summary>
/// <remarks>
/// <para>Addresses here are physical. Page tables, bootmem and buddy bitmaps, and everything a
/// simulated process writes live in these frames. Frames beyond the installed RAM (holes in the
/// e820 map) may still be addressed so that the port can reason about them, but
/// <see cref="IsRam"/> tells which frames exist.</para>
/// <para>Zeroing a whole frame (clear_page, for every new anonymous page) is recorded rather than
/// done: each frame has a 64-bit mask with one bit per 64-byte line, and a set bit means "this line
/// reads as zero, whatever the array still holds". The first access to such a line clears it for
/// real. What the simulated machine sees is the same; what the host pays for a page that is
/// zeroed and then has one word written is one line instead of sixty-four, which keeps the
/// first-touch fault path from being bound by the host's memory bandwidth.</para>
/// </remarks>
public sealed class PhysicalMemory
{
    private const int FrameShift = 12;
    private const int FrameSize = 1 << FrameShift;
    private const int LineShift = 6;
    private readonly byte[]?[] _frames;
    // Bit i set: line i (bytes 64i to 64i+63) of the frame is zero, even if the array is not yet.
    private readonly ulong[] _zeroLines;
    // Frames whose arrays were handed out (Frame, PeekFrame): a caller may read them directly,
    // so they are always kept exact and never zeroed lazily.
    private readonly bool[] _exposed;

    /// <summary>Creates an address space of <paramref name="frameCount"/> frames, all untouched.</summary>
    /// <param name="frameCount">Frames from physical address 0 up to the highest RAM address.</param>
    public PhysicalMemory(uint frameCount)
    {
        FrameCount = frameCount;
        _frames = new byte[frameCount][];
        _zeroLines = new ulong[frameCount];
        _exposed = new bool[frameCount];
    }

    /// <summary>Number of frames addressable, holes included.</summary>
    public uint FrameCount { get; }

    /// <summary>Frames whose contents have been materialised (written at least once).</summary>
    public int TouchedFrames { get; private set; }

    /// <summary>Decides whether a frame is RAM; set by the machine from its e820 map. Every frame is RAM by default.</summary>
    public Func<uint, bool> IsRam { get; set; } = _ => true;

    /// <summary>True when frame <paramref name="pfn"/> has been written since boot.</summary>
    /// <param name="pfn">Page frame number.</param>
    public bool IsTouched(uint pfn) => _frames[pfn] is not null;

    /// <summary>
    /// The contents of frame <paramref name="pfn"/>, materialising it if needed. The array stays
    /// exact from then on, so the caller may keep it and read it directly.
    /// </summary>
    /// <param name="pfn">Page frame number.</param>
    public byte[] Frame(uint pfn)
    {
        byte[] frame = Materialise(pfn);
        Expose(pfn, frame);
        return frame;
    }

    /// <summary>
    /// Reads frame <paramref name="pfn"/> without materialising it: null means all zeros. Like
    /// <see cref="Frame"/>, an array returned stays exact.
    /// </summary>
    /// <param name="pfn">Page frame number.</param>
    public byte[]? PeekFrame(uint pfn)
    {
        byte[]? frame = _frames[pfn];
        if (frame is not null)
            Expose(pfn, frame);
        return frame;
    }

    /// <summary>Reads a 32-bit little-endian word.</summary>
    /// <param name="paddr">Physical address, 4-byte aligned.</param>
    public uint ReadU32(ulong paddr)
    {
        byte[]? f = Existing(paddr, 4, out int offset);
        return f is null ? 0 : BinaryPrimitives.ReadUInt32LittleEndian(f.AsSpan(offset));
    }

    /// <summary>Writes a 32-bit little-endian word.</summary>
    /// <param name="paddr">Physical address, 4-byte aligned.</param>
    /// <param name="value">The word.</param>
    public void WriteU32(ulong paddr, uint value) =>
        BinaryPrimitives.WriteUInt32LittleEndian(Writable(paddr, 4, out int offset).AsSpan(offset), value);

    /// <summary>Reads a 64-bit little-endian word.</summary>
    /// <param name="paddr">Physical address, 8-byte aligned.</param>
    public ulong ReadU64(ulong paddr)
    {
        byte[]? f = Existing(paddr, 8, out int offset);
        return f is null ? 0 : BinaryPrimitives.ReadUInt64LittleEndian(f.AsSpan(offset));
    }

    /// <summary>Writes a 64-bit little-endian word.</summary>
    /// <param name="paddr">Physical address, 8-byte aligned.</param>
    /// <param name="value">The word.</param>
    public void WriteU64(ulong paddr, ulong value) =>
        BinaryPrimitives.WriteUInt64LittleEndian(Writable(paddr, 8, out int offset).AsSpan(offset), value);

    /// <summary>Reads one byte.</summary>
    /// <param name="paddr">Physical address.</param>
    public byte ReadByte(ulong paddr)
    {
        byte[]? f = Existing(paddr, 1, out int offset);
        return f is null ? (byte)0 : f[offset];
    }

    /// <summary>Writes one byte.</summary>
    /// <param name="paddr">Physical address.</param>
    /// <param name="value">The byte.</param>
    public void WriteByte(ulong paddr, byte value) => Writable(paddr, 1, out int offset)[offset] = value;

    /// <summary>Copies bytes out of physical memory; the range may cross frames.</summary>
    /// <param name="paddr">Physical address of the first byte.</param>
    /// <param name="destination">Where the bytes go; its length is the count.</param>
    public void Read(ulong paddr, Span<byte> destination)
    {
        while (destination.Length > 0)
        {
            int offset = (int)(paddr & (FrameSize - 1));
            int n = Math.Min(FrameSize - offset, destination.Length);
            byte[]? f = Existing(paddr, n, out _);
            if (f is null)
                destination[..n].Clear();
            else
                f.AsSpan(offset, n).CopyTo(destination);
            destination = destination[n..];
            paddr += (ulong)n;
        }
    }

    /// <summary>Copies bytes into physical memory; the range may cross frames.</summary>
    /// <param name="paddr">Physical address of the first byte.</param>
    /// <param name="source">The bytes.</param>
    public void Write(ulong paddr, ReadOnlySpan<byte> source)
    {
        while (source.Length > 0)
        {
            int offset = (int)(paddr & (FrameSize - 1));
            int n = Math.Min(FrameSize - offset, source.Length);
            source[..n].CopyTo(Writable(paddr, n, out _).AsSpan(offset, n));
            source = source[n..];
            paddr += (ulong)n;
        }
    }

    /// <summary>Fills a range with one byte value (memset on physical memory).</summary>
    /// <param name="paddr">Physical address of the first byte.</param>
    /// <param name="value">The byte to store.</param>
    /// <param name="count">Number of bytes.</param>
    public void Fill(ulong paddr, byte value, uint count)
    {
        while (count > 0)
        {
            int offset = (int)(paddr & (FrameSize - 1));
            int n = (int)Math.Min((uint)(FrameSize - offset), count);
            uint pfn = (uint)(paddr >> FrameShift);
            if (value != 0)
                Writable(paddr, n, out _).AsSpan(offset, n).Fill(value);
            else if (_frames[pfn] is not null)
            {
                // Zeroing a frame nobody has written is free: it already reads as zeros. A whole
                // frame that nobody holds directly is zeroed lazily, line by line, as it is used.
                if (n == FrameSize && !_exposed[pfn])
                    _zeroLines[pfn] = ulong.MaxValue;
                else
                    Writable(paddr, n, out _).AsSpan(offset, n).Clear();
            }
            count -= (uint)n;
            paddr += (ulong)n;
        }
    }

    /// <summary>Copies one whole frame to another (copy_page on physical frames).</summary>
    /// <param name="toPfn">Destination frame.</param>
    /// <param name="fromPfn">Source frame.</param>
    public void CopyFrame(uint toPfn, uint fromPfn)
    {
        byte[]? from = _frames[fromPfn];
        if (from is null)
        {
            Fill((ulong)toPfn << FrameShift, 0, FrameSize);
            return;
        }
        byte[] to = Materialise(toPfn);
        from.CopyTo(to, 0);
        // The lines still pending in the source are pending in the copy too; an exposed copy
        // must be exact, so it clears them now.
        _zeroLines[toPfn] = _zeroLines[fromPfn];
        if (_exposed[toPfn])
            Settle(toPfn, to, ulong.MaxValue);
    }

    // The frame's array for reading [offset, offset + length), or null if the frame was never
    // written; lines zeroed lazily in that range are cleared first.
    private byte[]? Existing(ulong paddr, int length, out int offset)
    {
        uint pfn = (uint)(paddr >> FrameShift);
        offset = (int)(paddr & (FrameSize - 1));
        byte[]? frame = _frames[pfn];
        if (frame is not null && _zeroLines[pfn] != 0)
            Settle(pfn, frame, LineMask(offset, length));
        return frame;
    }

    // The frame's array for writing [offset, offset + length), materialised and settled.
    private byte[] Writable(ulong paddr, int length, out int offset)
    {
        uint pfn = (uint)(paddr >> FrameShift);
        offset = (int)(paddr & (FrameSize - 1));
        byte[] frame = _frames[pfn] ?? Materialise(pfn);
        if (_zeroLines[pfn] != 0)
            Settle(pfn, frame, LineMask(offset, length));
        return frame;
    }

    private byte[] Materialise(uint pfn)
    {
        if (pfn >= FrameCount)
            throw new ArgumentOutOfRangeException(nameof(pfn), $"frame {pfn:x} is beyond physical memory ({FrameCount:x} frames)");
        byte[]? frame = _frames[pfn];
        if (frame is null)
        {
            frame = new byte[FrameSize];
            _frames[pfn] = frame;
            TouchedFrames++;
        }
        return frame;
    }

    private void Expose(uint pfn, byte[] frame)
    {
        if (_zeroLines[pfn] != 0)
            Settle(pfn, frame, ulong.MaxValue);
        _exposed[pfn] = true;
    }

    // Clears, for real, the lazily zeroed lines among those in mask.
    private void Settle(uint pfn, byte[] frame, ulong mask)
    {
        ulong pending = _zeroLines[pfn] & mask;
        _zeroLines[pfn] &= ~mask;
        while (pending != 0)
        {
            int line = BitOperations.TrailingZeroCount(pending);
            frame.AsSpan(line << LineShift, 1 << LineShift).Clear();
            pending &= pending - 1;
        }
    }

    // The bits of the 64-byte lines that [offset, offset + length) touches.
    private static ulong LineMask(int offset, int length)
    {
        int first = offset >> LineShift;
        int last = Math.Min(offset + length - 1, FrameSize - 1) >> LineShift;
        ulong upTo = last == 63 ? ulong.MaxValue : (1UL << (last + 1)) - 1;
        return upTo & ~((1UL << first) - 1);
    }
}
