namespace Fixture;

/// <summary>What the generic code needs from an architecture.</summary>
public interface IArch
{
    /// <summary>Flushes the whole TLB.</summary>
    [Linux("include/asm-i386/pgalloc.h", "flush_tlb_all")]
    void FlushTlbAll();
}

/// <summary>The fixture's architecture.</summary>
public sealed class FakeArch : IArch
{
    /// <summary>How many flushes happened.</summary>
    public int Flushes { get; private set; }

    /// <inheritdoc/>
    public void FlushTlbAll() => Flushes++;
}
