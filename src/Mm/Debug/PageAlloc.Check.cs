using LinuxVm.Mm.Include;
using static LinuxVm.Mm.Include.MmZone;

namespace LinuxVm.Mm;

/// <summary>Thrown by the debug checkers when the allocator's data structures disagree with each other.</summary>
public sealed class InvariantViolationException : Exception
{
    /// <summary>Creates the exception with a description of what is inconsistent.</summary>
    /// <param name="message">What was found, naming the zone, order and page.</param>
    public InvariantViolationException(string message) : base(message) { }
}

// Debug checker of the buddy allocator (no kernel counterpart): verifies that the free lists,
// the counters and the pair bitmaps describe one and the same set of free blocks.
public sealed partial class PageAlloc
{
    /// <summary>
    /// Checks every populated zone and throws <see cref="InvariantViolationException"/> on the
    /// first inconsistency: a free block outside its zone, misaligned for its order, overlapping
    /// another free block, or containing a page with a non-zero count or the reserved bit; a page
    /// with a negative count (freed twice); a
    /// free_pages counter that differs from the sum of the lists; or a buddy bitmap bit that is
    /// not "exactly one of the pair is a free block of this order".
    /// </summary>
    public void CheckInvariants()
    {
        foreach (Zone zone in AllZones())
            if (zone.Size != 0)
                CheckZone(zone);
    }

    private void CheckZone(Zone zone)
    {
        Page[] memMap = _kernel.Memory.MemMap;
        // freeOrder[i] = order of the free block that starts at zone page i, or -1.
        var freeOrder = new sbyte[zone.Size];
        Array.Fill(freeOrder, (sbyte)-1);
        var covered = new bool[zone.Size];
        uint sum = 0;

        for (int order = 0; order < MaxOrder; order++)
        {
            ListHead head = zone.FreeArea[order].FreeList;
            int seen = 0;
            for (ListHead pos = head.Next; pos != head; pos = pos.Next)
            {
                if (++seen > zone.Size)
                    throw Fail(zone, $"free list of order {order} is longer than the zone: it loops");
                Page page = pos.Entry<Page>();
                long idx = page.MapNr - zone.ZoneMemMap;
                uint blockPages = 1u << order;
                if (idx < 0 || idx + blockPages > zone.Size)
                    throw Fail(zone, $"order-{order} free block at page {page.MapNr} lies outside the zone");
                if ((idx & (blockPages - 1)) != 0)
                    throw Fail(zone, $"order-{order} free block at page {page.MapNr} is not aligned to {blockPages} pages within the zone");
                freeOrder[idx] = (sbyte)order;
                for (long i = idx; i < idx + blockPages; i++)
                {
                    Page p = memMap[zone.ZoneMemMap + i];
                    if (covered[i])
                        throw Fail(zone, $"page {p.MapNr} is in two free blocks (second: order {order} at {page.MapNr})");
                    covered[i] = true;
                    if (p.Count != 0)
                        throw Fail(zone, $"page {p.MapNr} in the order-{order} free block at {page.MapNr} has count {p.Count}");
                    if (PageFlags.PageReserved(p))
                        throw Fail(zone, $"page {p.MapNr} in the order-{order} free block at {page.MapNr} is reserved");
                    if (PageZone(p) != zone)
                        throw Fail(zone, $"page {p.MapNr} on this zone's free list belongs to zone {PageZone(p).Name}");
                }
                sum += blockPages;
            }
        }
        if (sum != zone.FreePages)
            throw Fail(zone, $"free_pages is {zone.FreePages} but the free lists hold {sum} pages");

        // A page freed more often than it was allocated shows up as a negative count (the
        // kernel's put_page_testzero simply goes below zero and frees nothing).
        for (uint i = 0; i < zone.Size; i++)
            if (memMap[zone.ZoneMemMap + i].Count < 0)
                throw Fail(zone, $"page {zone.ZoneMemMap + i} has count {memMap[zone.ZoneMemMap + i].Count}: freed more often than allocated");

        CheckBitmaps(zone, freeOrder);
    }

    // Bit b of order o's map describes blocks 2b and 2b+1 of that order: it must be set exactly
    // when one of the two is a free block of order o (a block merged into a bigger free block,
    // or split into smaller ones, counts as not free at this order).
    private static void CheckBitmaps(Zone zone, sbyte[] freeOrder)
    {
        for (int order = 0; order < MaxOrder - 1; order++)
        {
            var map = zone.FreeArea[order].Map
                ?? throw Fail(zone, $"order {order} has no buddy bitmap");
            uint pairs = ((zone.Size - 1) >> (order + 1)) + 1;
            for (uint b = 0; b < pairs; b++)
            {
                uint first = b << (order + 1);
                uint second = first + (1u << order);
                bool f0 = freeOrder[first] == order;
                bool f1 = second < zone.Size && freeOrder[second] == order;
                if (f0 && f1)
                    throw Fail(zone, $"buddies at zone pages {first} and {second} are both free at order {order}: they should have merged");
                if (map.TestBit(b) != (f0 ^ f1))
                    throw Fail(zone, $"order-{order} bitmap bit {b} is {(map.TestBit(b) ? 1 : 0)} but the pair at zone pages {first}/{second} has {(f0 ^ f1 ? "one" : f0 ? "two" : "no")} free block(s)");
            }
        }
    }

    private static InvariantViolationException Fail(Zone zone, string what) => new($"zone {zone.Name}: {what}");

    /// <summary>
    /// The free lists as sorted arrays of first-page numbers, [zone index][order]: a snapshot to
    /// compare two states (the lists are LIFO, so their order depends on history; the sets do not).
    /// </summary>
    public uint[][][] FreeBlockSnapshot()
    {
        PgData pgdat = PgdatList ?? throw new InvalidOperationException("no memory node yet");
        var zones = new uint[MaxNrZones][][];
        for (int z = 0; z < MaxNrZones; z++)
        {
            zones[z] = new uint[MaxOrder][];
            for (int order = 0; order < MaxOrder; order++)
            {
                var list = new List<uint>();
                foreach (Page p in pgdat.NodeZones[z].FreeArea[order].FreeList.Entries<Page>())
                    list.Add((uint)p.MapNr);
                list.Sort();
                zones[z][order] = [.. list];
            }
        }
        return zones;
    }
}

// Debug checker of the boot allocator (no kernel counterpart).
public sealed partial class Bootmem
{
    /// <summary>
    /// While bootmem is active, checks that its own bitmap's pages are marked reserved, that the
    /// page holding the tail of the last allocation (last_pos) is reserved when last_offset says it
    /// is partly used, and that last_offset is inside a page; throws
    /// <see cref="InvariantViolationException"/> otherwise. Does nothing once free_all_bootmem ran.
    /// </summary>
    public void CheckInvariants()
    {
        BootmemData bdata = _kernel.Numa.ContigPageData.Bdata;
        if (bdata.NodeBootmemMap == 0)
            return;
        var map = BootMap(bdata);
        uint startPfn = (uint)(bdata.NodeBootStart >> PageConstants.PageShift);
        uint mapPfn = (uint)(_kernel.Pa(bdata.NodeBootmemMap) >> PageConstants.PageShift);
        uint mapPages = BootmemBootmapPages(bdata.NodeLowPfn - startPfn);
        for (uint p = mapPfn; p < mapPfn + mapPages && p < bdata.NodeLowPfn; p++)
            if (!map.TestBit(p - startPfn))
                throw new InvariantViolationException($"bootmem: page {p:x} holds the bootmem bitmap but is marked free");
        if (bdata.LastOffset >= PageConstants.PageSize)
            throw new InvariantViolationException($"bootmem: last_offset {bdata.LastOffset} is not inside a page");
        if (bdata.LastOffset != 0 && !map.TestBit(bdata.LastPos))
            throw new InvariantViolationException($"bootmem: last_pos page {bdata.LastPos} is partly allocated but marked free");
    }
}
