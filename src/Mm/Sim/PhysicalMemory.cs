namespace LinuxVm.Mm.Sim;

/// <summary>
/// The machine's RAM: one 4 KiB byte array per page frame, created the first time the frame is
/// written, so a 4 GiB machine costs host memory only for the frames it has touched. Reading a
/// frame that was never written gives zeros.
/// </summary>
/// <remarks>
/// Addresses here are physical. Page tables, bootmem and buddy bitmaps, and everything a
/// simulated process writes live in these frames. Frames beyond the installed RAM (holes in the
/// e820 map) may still be addressed so that the port can reason about them, but
/// <see cref="IsRam"/> tells which frames exist.
/// </remarks>
public sealed class PhysicalMemory
{
    private const int FrameShift = 12;
    private const int FrameSize = 1 << FrameShift;
    private readonly byte[]?[] _frames;

    /// <summary>Creates an address space of <paramref name="frameCount"/> frames, all untouched.</summary>
    /// <param name="frameCount">Frames from physical address 0 up to the highest RAM address.</param>
    public PhysicalMemory(uint frameCount)
    {
        FrameCount = frameCount;
        _frames = new byte[frameCount][];
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

    /// <summary>The contents of frame <paramref name="pfn"/>, materialising it if needed.</summary>
    /// <param name="pfn">Page frame number.</param>
    public byte[] Frame(uint pfn)
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

    /// <summary>Reads frame <paramref name="pfn"/> without materialising it: null means all zeros.</summary>
    /// <param name="pfn">Page frame number.</param>
    public byte[]? PeekFrame(uint pfn) => _frames[pfn];

    /// <summary>Reads a 32-bit little-endian word.</summary>
    /// <param name="paddr">Physical address, 4-byte aligned.</param>
    public uint ReadU32(ulong paddr)
    {
        byte[]? f = _frames[paddr >> FrameShift];
        return f is null ? 0 : BitConverter.ToUInt32(f, (int)(paddr & (FrameSize - 1)));
    }

    /// <summary>Writes a 32-bit little-endian word.</summary>
    /// <param name="paddr">Physical address, 4-byte aligned.</param>
    /// <param name="value">The word.</param>
    public void WriteU32(ulong paddr, uint value) =>
        BitConverter.TryWriteBytes(Frame((uint)(paddr >> FrameShift)).AsSpan((int)(paddr & (FrameSize - 1))), value);

    /// <summary>Reads a 64-bit little-endian word.</summary>
    /// <param name="paddr">Physical address, 8-byte aligned.</param>
    public ulong ReadU64(ulong paddr)
    {
        byte[]? f = _frames[paddr >> FrameShift];
        return f is null ? 0 : BitConverter.ToUInt64(f, (int)(paddr & (FrameSize - 1)));
    }

    /// <summary>Writes a 64-bit little-endian word.</summary>
    /// <param name="paddr">Physical address, 8-byte aligned.</param>
    /// <param name="value">The word.</param>
    public void WriteU64(ulong paddr, ulong value) =>
        BitConverter.TryWriteBytes(Frame((uint)(paddr >> FrameShift)).AsSpan((int)(paddr & (FrameSize - 1))), value);

    /// <summary>Reads one byte.</summary>
    /// <param name="paddr">Physical address.</param>
    public byte ReadByte(ulong paddr)
    {
        byte[]? f = _frames[paddr >> FrameShift];
        return f is null ? (byte)0 : f[paddr & (FrameSize - 1)];
    }

    /// <summary>Writes one byte.</summary>
    /// <param name="paddr">Physical address.</param>
    /// <param name="value">The byte.</param>
    public void WriteByte(ulong paddr, byte value) => Frame((uint)(paddr >> FrameShift))[paddr & (FrameSize - 1)] = value;

    /// <summary>Copies bytes out of physical memory; the range may cross frames.</summary>
    /// <param name="paddr">Physical address of the first byte.</param>
    /// <param name="destination">Where the bytes go; its length is the count.</param>
    public void Read(ulong paddr, Span<byte> destination)
    {
        while (destination.Length > 0)
        {
            int offset = (int)(paddr & (FrameSize - 1));
            int n = Math.Min(FrameSize - offset, destination.Length);
            byte[]? f = _frames[paddr >> FrameShift];
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
            source[..n].CopyTo(Frame((uint)(paddr >> FrameShift)).AsSpan(offset, n));
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
            // Zeroing a frame nobody has written is free: it already reads as zeros.
            if (value != 0 || _frames[pfn] is not null)
                Frame(pfn).AsSpan(offset, n).Fill(value);
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
            Fill((ulong)toPfn << FrameShift, 0, FrameSize);
        else
            from.CopyTo(Frame(toPfn), 0);
    }
}
