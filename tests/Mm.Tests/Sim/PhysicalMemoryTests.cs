using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LinuxVm.Mm.Sim;

namespace LinuxVm.Mm.Tests.SimMemory;

/// <summary>
/// PhysicalMemory zeroes whole frames lazily, a 64-byte line at a time. These tests hold it to
/// the plain model: a byte array of the same size that every operation changes eagerly.
/// </summary>
public class PhysicalMemoryTests
{
    private const int Frames = 4;
    private const int Size = Frames * 4096;

    [Fact]
    public void ZeroedFrame_ReadsZero_ButKeepsWhatIsWrittenAfter()
    {
        var mem = new PhysicalMemory(Frames);
        mem.Fill(0x1000, 0xab, 4096);
        mem.Fill(0x1000, 0, 4096);
        Assert.Equal(0u, mem.ReadU32(0x1040));
        mem.WriteU32(0x1044, 7);
        Assert.Equal(0u, mem.ReadU32(0x1040));
        Assert.Equal(7u, mem.ReadU32(0x1044));
        Assert.Equal(0, mem.ReadByte(0x1fff));
    }

    [Fact]
    public void CopyOfAZeroedFrame_IsZeroToo()
    {
        var mem = new PhysicalMemory(Frames);
        mem.Fill(0x1000, 0x5a, 4096);
        mem.Fill(0x2000, 0x77, 4096);
        mem.Fill(0x1000, 0, 4096);
        mem.WriteByte(0x1010, 1);
        mem.CopyFrame(2, 1);
        Assert.Equal(1, mem.ReadByte(0x2010));
        Assert.Equal(0, mem.ReadByte(0x2011));
        Assert.Equal(0, mem.ReadByte(0x2fff));
        Assert.All(mem.Frame(2).AsSpan(0x20).ToArray(), b => Assert.Equal(0, b));
    }

    [Fact]
    public void FrameHandedOut_IsExact_AndStaysExactAfterAZeroing()
    {
        var mem = new PhysicalMemory(Frames);
        mem.Fill(0, 0xff, 4096);
        byte[] raw = mem.Frame(0);
        mem.Fill(0, 0, 4096);
        Assert.All(raw, b => Assert.Equal(0, b));
    }

    /// <summary>One operation on physical memory, applied to both the real thing and the model.</summary>
    public sealed record Op(int Kind, int Addr, int Len, byte Value, int Frame2)
    {
        public override string ToString() => $"{Kind}@{Addr:x}+{Len}={Value} f{Frame2}";
    }

    private static Gen<Op> OpGen() =>
        from kind in Gen.Choose(0, 9)
        from frame in Gen.Choose(0, Frames - 1)
        from off in Gen.OneOf(Gen.Choose(0, 4095), Gen.Elements(0, 60, 62, 63, 64, 4088, 4092))
        from len in Gen.Choose(1, 300)
        from value in Gen.OneOf(Gen.Constant((byte)0), Gen.Choose(1, 255).Select(v => (byte)v))
        from frame2 in Gen.Choose(0, Frames - 1)
        select new Op(kind, frame * 4096 + off, len, value, frame2);

    [Property(MaxTest = 300)]
    public Property RandomOperations_MatchAnEagerModel() =>
        Prop.ForAll(OpGen().ListOf().ToArbitrary(), ops =>
        {
            var mem = new PhysicalMemory(Frames);
            var model = new byte[Size];
            foreach (Op op in ops)
            {
                int frameBase = op.Addr & ~4095;
                switch (op.Kind)
                {
                    case 0: // a word store, kept inside its frame
                        int a4 = Math.Min(op.Addr, frameBase + 4092);
                        uint w = (uint)(op.Value * 0x01010101);
                        mem.WriteU32((ulong)a4, w);
                        BitConverter.TryWriteBytes(model.AsSpan(a4), w);
                        break;
                    case 1:
                        int a8 = Math.Min(op.Addr, frameBase + 4088);
                        ulong q = op.Value * 0x0101010101010101UL + 1;
                        mem.WriteU64((ulong)a8, q);
                        BitConverter.TryWriteBytes(model.AsSpan(a8), q);
                        break;
                    case 2:
                        mem.WriteByte((ulong)op.Addr, op.Value);
                        model[op.Addr] = op.Value;
                        break;
                    case 3: // memset of a range, possibly across frames
                        int n = Math.Min(op.Len * 20, Size - op.Addr);
                        mem.Fill((ulong)op.Addr, op.Value, (uint)n);
                        model.AsSpan(op.Addr, n).Fill(op.Value);
                        break;
                    case 4: // clear_page: a whole frame zeroed
                    case 5:
                        mem.Fill((ulong)frameBase, 0, 4096);
                        model.AsSpan(frameBase, 4096).Clear();
                        break;
                    case 6:
                        mem.CopyFrame((uint)op.Frame2, (uint)(op.Addr >> 12));
                        model.AsSpan(frameBase, 4096).CopyTo(model.AsSpan(op.Frame2 * 4096, 4096));
                        break;
                    case 7:
                        int wl = Math.Min(op.Len, Size - op.Addr);
                        byte[] src = Enumerable.Range(0, wl).Select(i => (byte)(op.Value + i)).ToArray();
                        mem.Write((ulong)op.Addr, src);
                        src.CopyTo(model.AsSpan(op.Addr));
                        break;
                    case 8: // a caller takes the raw array of a frame (the bitmaps do)
                        byte[] raw = mem.Frame((uint)op.Frame2);
                        if (!raw.AsSpan().SequenceEqual(model.AsSpan(op.Frame2 * 4096, 4096)))
                            return false;
                        break;
                    case 9:
                        if (mem.ReadU32((ulong)Math.Min(op.Addr, frameBase + 4092)) !=
                            BitConverter.ToUInt32(model, Math.Min(op.Addr, frameBase + 4092)))
                            return false;
                        break;
                }
            }
            var all = new byte[Size];
            mem.Read(0, all);
            return all.AsSpan().SequenceEqual(model);
        });
}
