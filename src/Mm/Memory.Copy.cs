using LinuxVm.Mm.Arch;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.KernelModel;

namespace LinuxVm.Mm;

// mm/memory.c: fork's copy of one region's page tables.
public sealed partial class Memory
{
    /// <summary>
    /// Copies the page-table entries of <paramref name="vma"/> from <paramref name="src"/> into
    /// <paramref name="dst"/> (fork). Pages are shared, not copied: each gains a reference and
    /// counts in the child's rss. In a private writable region (VM_MAYWRITE without VM_SHARED)
    /// the entries are write-protected in parent and child alike, so whichever writes first
    /// takes a fault and gets its own copy (copy-on-write). Returns 0 or -ENOMEM.
    /// </summary>
    /// <param name="dst">The child's address space; its page_table_lock is held (and may be dropped to allocate tables).</param>
    /// <param name="src">The parent's address space.</param>
    /// <param name="vma">The child's copy of the region (same range and flags as the parent's).</param>
    /// <remarks>The C is one function with the pmd and pte loops inlined and joined by gotos; the
    /// three nested loops below keep its structure: pgd entries, pmd entries, ptes.</remarks>
    [Linux("mm/memory.c", "copy_page_range")]
    public int CopyPageRange(MmStruct dst, MmStruct src, VmAreaStruct vma)
    {
        IArchitecture arch = _kernel.Arch;
        uint address = vma.VmStart;
        uint end = vma.VmEnd;
        bool cow = (vma.VmFlags & (VmFlags.Shared | VmFlags.MayWrite)) == VmFlags.MayWrite;
        uint pteTableMask = (uint)((arch.PtrsPerPte - 1) * arch.PgdOffset(src, 0).Width);
        uint pmdTableMask = (uint)((arch.PtrsPerPmd - 1) * arch.PgdOffset(src, 0).Width);

        PgdPtr srcPgd = arch.PgdOffset(src, address) + -1;
        PgdPtr dstPgd = arch.PgdOffset(dst, address) + -1;

        for (;;)
        {
            srcPgd++;
            dstPgd++;

            // copy_pmd_range
            Pgd pgd = arch.ReadPgd(srcPgd);
            if (pgd.None || pgd.Bad)
            {
                if (pgd.Bad)
                {
                    _kernel.Printk($"mm/memory.c: bad pgd {pgd}.");
                    arch.PgdClear(srcPgd);
                }
                address = (address + arch.PgdirSize) & arch.PgdirMask;
                if (address == 0 || address >= end)
                    return 0;
                continue;
            }

            PmdPtr srcPmd = arch.PmdOffset(srcPgd, address);
            PmdPtr dstPmd = PmdAlloc(dst, dstPgd, address);
            if (dstPmd.IsNull)
                return -Errno.Enomem;

            do
            {
                // copy_pte_range
                Pmd pmd = arch.ReadPmd(srcPmd);
                if (pmd.None || pmd.Bad)
                {
                    if (pmd.Bad)
                    {
                        _kernel.Printk($"mm/memory.c: bad pmd {pmd}.");
                        arch.PmdClear(srcPmd);
                    }
                    address = (address + arch.PmdSize) & arch.PmdMask;
                    if (address >= end)
                        return 0;
                    goto contCopyPmdRange;
                }

                PtePtr srcPte = arch.PteOffset(srcPmd, address);
                PtePtr dstPte = PteAlloc(dst, dstPmd, address);
                if (dstPte.IsNull)
                    return -Errno.Enomem;

                src.PageTableLock.Lock();
                do
                {
                    // #region copy_one_pte
                    Pte pte = arch.ReadPte(srcPte);
                    if (pte.None)
                        goto contCopyPteRangeNoset;
                    if (!pte.Present)
                    {
                        // A swapped-out page: the child's pte names the same swap slot.
                        _kernel.Swapfile.SwapDuplicate(pte.ToSwpEntry());
                        goto contCopyPteRange;
                    }
                    if (!PteMapsValidPage(pte))
                        goto contCopyPteRange;
                    Page ptepage = arch.PtePage(pte);
                    if (PageFlags.PageReserved(ptepage))
                        goto contCopyPteRange;

                    // Copy-on-write: neither side may write the shared page any more.
                    if (cow && pte.Write)
                    {
                        arch.PtepSetWrprotect(srcPte);
                        pte = arch.ReadPte(srcPte);
                    }

                    // The child has not written a shared page; only the parent's pte keeps it dirty.
                    if ((vma.VmFlags & VmFlags.Shared) != 0)
                        pte = pte.MkClean();
                    pte = pte.MkOld();
                    PageFlags.GetPage(ptepage);
                    dst.Rss++;

                contCopyPteRange:
                    arch.SetPte(dstPte, pte);
                contCopyPteRangeNoset:
                    address += PageConstants.PageSize;
                    if (address >= end)
                    {
                        src.PageTableLock.Unlock();
                        return 0;
                    }
                    srcPte++;
                    dstPte++;
                    // #endregion
                } while ((srcPte.Address & pteTableMask) != 0);
                src.PageTableLock.Unlock();

            contCopyPmdRange:
                srcPmd++;
                dstPmd++;
            } while ((srcPmd.Address & pmdTableMask) != 0);
        }
    }
}
