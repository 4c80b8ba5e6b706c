namespace LinuxVm.Arch.X86;

/// <summary>
/// A CPU's translation lookaside buffer: translations the MMU has walked, used without looking at
/// the page tables again until they are flushed. A pte changed without the matching flush keeps
/// translating to the old frame, exactly the bug a missing flush causes on real hardware.
/// </summary>
/// <remarks>
/// Port note: real TLBs hold 32 to 64 entries and evict silently, which would make a missing flush
/// show up only sometimes. This TLB never evicts, so a missing flush always shows. Large (PSE) pages
/// have their own entries, as on the Pentium III. Entries made from global (G) mappings survive
/// <see cref="Flush"/> (a cr3 reload) and go only with <see cref="FlushAll"/> or <see cref="FlushOne"/>.
/// </remarks>
public sealed class Tlb
{
    /// <summary>One cached translation.</summary>
    /// <param name="Frame">Physical address of the 4 KiB frame or of the large page.</param>
    /// <param name="Writable">R/W of every level of the walk.</param>
    /// <param name="User">U/S of every level of the walk.</param>
    /// <param name="Dirty">The entry's D bit was already set when it was cached.</param>
    /// <param name="Global">Made from a mapping with G set while CR4.PGE was on.</param>
    /// <param name="Large">A 4 MiB / 2 MiB page.</param>
    public readonly record struct Entry(ulong Frame, bool Writable, bool User, bool Dirty, bool Global, bool Large);

    private readonly Dictionary<uint, Entry> _small = [];
    private readonly Dictionary<uint, Entry> _large = [];
    private int _largeShift = 22;

    // A one-entry front cache of the last 4 KiB page translated, so a run of accesses to the same
    // page costs one comparison. Any flush empties it.
    private uint _lastVpn = uint.MaxValue;
    private Entry _last;

    /// <summary>Lookups answered from the TLB.</summary>
    public long Hits { get; private set; }

    /// <summary>Lookups that needed a page walk.</summary>
    public long Misses { get; private set; }

    /// <summary>Flushes of any kind.</summary>
    public long Flushes { get; private set; }

    /// <summary>Translations cached (small and large).</summary>
    public int Count => _small.Count + _large.Count;

    /// <summary>Looks up the translation of <paramref name="vaddr"/>; <paramref name="frame"/> is the physical address of its 4 KiB page.</summary>
    /// <param name="vaddr">Virtual address.</param>
    /// <param name="entry">The entry found.</param>
    /// <param name="frame">Physical address of the 4 KiB page holding <paramref name="vaddr"/>.</param>
    public bool TryLookup(uint vaddr, out Entry entry, out ulong frame)
    {
        uint vpn = vaddr >> 12;
        if (vpn == _lastVpn)
        {
            Hits++;
            entry = _last;
            frame = _last.Large ? _last.Frame + ((vaddr & ((1u << _largeShift) - 1)) & ~0xFFFu) : _last.Frame;
            return true;
        }
        if (_small.TryGetValue(vpn, out entry))
            frame = entry.Frame;
        else if (_large.TryGetValue(vaddr >> _largeShift, out entry))
            frame = entry.Frame + ((vaddr & ((1u << _largeShift) - 1)) & ~0xFFFu);
        else
        {
            Misses++;
            frame = 0;
            return false;
        }
        Hits++;
        _lastVpn = vpn;
        _last = entry;
        return true;
    }

    /// <summary>Caches a translation the MMU has just walked.</summary>
    /// <param name="vaddr">The virtual address translated.</param>
    /// <param name="entry">The translation.</param>
    /// <param name="largeShift">log2 of the large-page size in the current mode (22, or 21 with PAE).</param>
    public void Insert(uint vaddr, Entry entry, int largeShift)
    {
        _lastVpn = uint.MaxValue;
        if (entry.Large)
        {
            _largeShift = largeShift;
            _large[vaddr >> largeShift] = entry;
        }
        else
            _small[vaddr >> 12] = entry;
    }

    /// <summary>Drops every non-global entry (what a cr3 write does: <c>__flush_tlb</c>).</summary>
    public void Flush()
    {
        Flushes++;
        _lastVpn = uint.MaxValue;
        RemoveNonGlobal(_small);
        RemoveNonGlobal(_large);
    }

    private static void RemoveNonGlobal(Dictionary<uint, Entry> entries)
    {
        foreach (var (key, e) in entries)
            if (!e.Global)
                entries.Remove(key);
    }

    /// <summary>Drops every entry, global ones too (<c>__flush_tlb_global</c>: toggling CR4.PGE).</summary>
    public void FlushAll()
    {
        Flushes++;
        _lastVpn = uint.MaxValue;
        _small.Clear();
        _large.Clear();
    }

    /// <summary>Drops the entry for the page holding <paramref name="vaddr"/>, global or not, small or large (<c>invlpg</c>).</summary>
    /// <param name="vaddr">A virtual address.</param>
    public void FlushOne(uint vaddr)
    {
        Flushes++;
        _lastVpn = uint.MaxValue;
        _small.Remove(vaddr >> 12);
        _large.Remove(vaddr >> _largeShift);
    }

    /// <summary>True when a translation for <paramref name="vaddr"/> is cached (does not count as a lookup).</summary>
    /// <param name="vaddr">A virtual address.</param>
    public bool Contains(uint vaddr) => _small.ContainsKey(vaddr >> 12) || _large.ContainsKey(vaddr >> _largeShift);
}
