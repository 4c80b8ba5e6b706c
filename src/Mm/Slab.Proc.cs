using System.Globalization;
using System.Text;

namespace LinuxVm.Mm;

// mm/slab.c, last part: /proc/slabinfo, read through a seq_file iterator and written to tune
// the per-CPU arrays.
//
// Port note: struct seq_file is modelled by a StringBuilder that seq_puts/seq_printf append
// to, and the iterator's "(void *)1" header token by a private object. ReadSlabinfo plays the
// part of seq_read: start, then show and next until the end, then stop.
public sealed partial class Slab
{
    private static readonly object HeaderToken = new();

    /// <summary>Takes cache_chain_sem and returns the item at <paramref name="pos"/>: the header for 0, then cache_cache, then the chain.</summary>
    [Linux("mm/slab.c", "s_start")]
    private object? SStart(long pos)
    {
        long n = pos;

        _cacheChainSem.Down();
        if (n == 0)
            return HeaderToken;
        var p = CacheCache.Next;
        while (--n != 0)
        {
            p = p.Next;
            if (p == CacheCache.Next)
                return null;
        }
        return p.Entry<KmemCache>();
    }

    /// <summary>The item after <paramref name="p"/>: cache_cache after the header, then along the chain until it comes round.</summary>
    [Linux("mm/slab.c", "s_next")]
    private object? SNext(object p, ref long pos)
    {
        ++pos;
        if (p == HeaderToken)
            return CacheCache;
        var cachep = ((KmemCache)p).Next.Next.Entry<KmemCache>();
        return cachep == CacheCache ? null : cachep;
    }

    /// <summary>Releases cache_chain_sem.</summary>
    [Linux("mm/slab.c", "s_stop")]
    private void SStop() => _cacheChainSem.Up();

    /// <summary>
    /// Prints one line of /proc/slabinfo: the version header, or a cache's name, active and total
    /// objects, object size, active and total slabs, pages per slab, then (STATS) its
    /// statistics and (SMP) its per-CPU limit and batch count. Checks on the way that every slab is
    /// on the list its use count says.
    /// </summary>
    [Linux("mm/slab.c", "s_show")]
    private int SShow(StringBuilder m, object p)
    {
        var inv = CultureInfo.InvariantCulture;
        if (p == HeaderToken)
        {
            // The version line lets tools notice a change of layout.
            m.Append("slabinfo - version: 1.1");
            if (Stats)
                m.Append(" (statistics)");
            m.Append(" (SMP)");
            m.Append('\n');
            return 0;
        }

        var cachep = (KmemCache)p;
        ulong activeObjs = 0, numObjs, activeSlabs = 0, numSlabs = 0;

        cachep.Spinlock.Lock();
        foreach (SlabT slabp in cachep.SlabsFull.Entries<SlabT>())
        {
            if (slabp.Inuse != cachep.Num)
                throw new KernelPanicException("slabp->inuse != cachep->num on slabs_full", "s_show");
            activeObjs += cachep.Num;
            activeSlabs++;
        }
        foreach (SlabT slabp in cachep.SlabsPartial.Entries<SlabT>())
        {
            if (slabp.Inuse == cachep.Num || slabp.Inuse == 0)
                throw new KernelPanicException("slabp->inuse == cachep->num || !slabp->inuse on slabs_partial", "s_show");
            activeObjs += slabp.Inuse;
            activeSlabs++;
        }
        foreach (SlabT slabp in cachep.SlabsFree.Entries<SlabT>())
        {
            if (slabp.Inuse != 0)
                throw new KernelPanicException("slabp->inuse on slabs_free", "s_show");
            numSlabs++;
        }
        numSlabs += activeSlabs;
        numObjs = numSlabs * cachep.Num;

        // "%-17s %6lu %6lu %6u %4lu %4lu %4u"
        m.Append(string.Format(inv, "{0,-17} {1,6} {2,6} {3,6} {4,4} {5,4} {6,4}",
            cachep.Name, activeObjs, numObjs, cachep.Objsize, activeSlabs, numSlabs, 1u << (int)cachep.Gfporder));

        if (Stats)
        {
            // " : %6lu %7lu %5lu %4lu %4lu"
            m.Append(string.Format(inv, " : {0,6} {1,7} {2,5} {3,4} {4,4}",
                cachep.HighMark, cachep.NumAllocations, cachep.Grown, cachep.Reaped, cachep.Errors));
        }
        {
            CpuCache? cc = CcData(cachep);
            uint batchcount = cachep.Batchcount;
            uint limit = cc is not null ? cc.Limit : 0;
            // " : %4u %4u"
            m.Append(string.Format(inv, " : {0,4} {1,4}", limit, batchcount));
        }
        if (Stats)
        {
            // " : %6lu %6lu %6lu %6lu"
            m.Append(string.Format(inv, " : {0,6} {1,6} {2,6} {3,6}",
                cachep.Allochit, cachep.Allocmiss, cachep.Freehit, cachep.Freemiss));
        }
        cachep.Spinlock.Unlock();
        m.Append('\n');
        return 0;
    }

    /// <summary>The text of /proc/slabinfo as read on the executing CPU (its per-CPU limits are shown).</summary>
    /// <returns>The header line and one line per cache, cache_cache first, then newest cache first.</returns>
    public string ReadSlabinfo()
    {
        var m = new StringBuilder();
        long pos = 0;
        object? p = SStart(pos);
        try
        {
            while (p is not null)
            {
                SShow(m, p);
                p = SNext(p, ref pos);
            }
        }
        finally
        {
            SStop();
        }
        return m.ToString();
    }

    /// <summary>The longest line slabinfo_write accepts.</summary>
    [Linux("mm/slab.c", "MAX_SLABINFO_WRITE")]
    public const int MaxSlabinfoWrite = 128;

    /// <summary>
    /// Tunes a cache's per-CPU arrays from a line written to /proc/slabinfo: "name limit batchcount".
    /// </summary>
    /// <param name="buffer">What the user wrote.</param>
    /// <returns>The number of bytes consumed, or -EINVAL / -ENOMEM.</returns>
    /// <remarks>Port note: the kernel copies the user's bytes into a buffer and parses it in place;
    /// here the string is parsed the same way (name up to the first space, then two decimal
    /// numbers as simple_strtol reads them).</remarks>
    [Linux("mm/slab.c", "slabinfo_write")]
    public int SlabinfoWrite(string buffer)
    {
        int count = buffer.Length;
        int limit, batchcount, res;

        if (count > MaxSlabinfoWrite)
            return -Einval;

        int space = buffer.IndexOf(' ', StringComparison.Ordinal);
        if (space < 0)
            return -Einval;
        string kbuf = buffer[..space];
        int tmp = space + 1;
        limit = SimpleStrtol(buffer, ref tmp);
        while (tmp < buffer.Length && buffer[tmp] == ' ')
            tmp++;
        batchcount = SimpleStrtol(buffer, ref tmp);

        _cacheChainSem.Down();
        res = -Einval;
        foreach (KmemCache cachep in CacheChain.Entries<KmemCache>())
        {
            if (cachep.Name == kbuf)
            {
                res = KmemTuneCpucache(cachep, limit, batchcount);
                break;
            }
        }
        _cacheChainSem.Up();
        if (res >= 0)
            res = count;
        return res;
    }

    // simple_strtol with base 10: an optional sign, then digits; stops at the first non-digit.
    private static int SimpleStrtol(string s, ref int at)
    {
        bool negative = false;
        if (at < s.Length && s[at] == '-')
        {
            negative = true;
            at++;
        }
        long value = 0;
        while (at < s.Length && char.IsAsciiDigit(s[at]))
        {
            value = value * 10 + (s[at] - '0');
            at++;
        }
        return (int)(negative ? -value : value);
    }
}
