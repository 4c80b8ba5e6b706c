using LinuxVm.Mm.Arch;
using LinuxVm.Mm.Fs;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.KernelModel;
using LinuxVm.Mm.Lib;
using static LinuxVm.Mm.Include.PageConstants;
using File = LinuxVm.Mm.Fs.File;

namespace LinuxVm.Mm;

/// <summary>
/// The port of mm/mmap.c: a process's address space as a set of regions (VMAs), kept on a sorted
/// list and in a red-black tree, and the calls that create, grow, merge, split and remove them
/// (mmap, brk, munmap, exit).
/// </summary>
/// <remarks>
/// <para>Return conventions follow the kernel. Functions that return an address (do_mmap_pgoff,
/// get_unmapped_area, do_brk) return it as an unsigned value; an error is the negated errno in the
/// same unsigned value, which always has low bits set, so a caller tests
/// <c>(ret &amp; ~PAGE_MASK) != 0</c> exactly as the C does. The others return 0 or a negated errno.</para>
/// <para>The only files a region can map are shmem files: shared anonymous memory gets one from
/// <c>shmem_zero_setup</c>. Ordinary files need the VFS, which is not modelled, so a file without
/// an mmap method is refused with -ENODEV, as 2.4 refuses it.</para>
/// </remarks>
public sealed partial class Mmap
{
    private readonly Kernel _kernel;

    /// <summary>Creates this file's state for <paramref name="kernel"/>.</summary>
    /// <param name="kernel">The kernel that owns it.</param>
    public Mmap(Kernel kernel)
    {
        _kernel = kernel;
        ProtectionMap = new Pgprot[16];
        for (int rwx = 0; rwx < 8; rwx++)
        {
            ProtectionMap[rwx] = Pgprot.Private(rwx);
            ProtectionMap[8 + rwx] = Pgprot.Shared(rwx);
        }
    }

    /// <summary>
    /// The pte protection for each value of the low four VM_* bits: index = VM_READ | VM_WRITE |
    /// VM_EXEC | VM_SHARED. The first eight (private) come from the architecture's __P000 to __P111,
    /// the last eight (shared) from __S000 to __S111.
    /// </summary>
    /// <remarks>
    /// i386 page tables can say only "present", "user" and "writable", so several requests collapse:
    /// <code>
    ///   VM_SHARED VM_EXEC VM_WRITE VM_READ   index   pgprot
    ///       0        0       0       0         0     PAGE_NONE
    ///       0        x       0       x       1,4,5   PAGE_READONLY   (exec implies read)
    ///       0        x       1       x      2,3,6,7  PAGE_COPY       (write faults, then copies)
    ///       1        0       0       0         8     PAGE_NONE
    ///       1        x       0       x      9,12,13  PAGE_READONLY
    ///       1        x       1       x     10,11,14,15 PAGE_SHARED   (write implies read)
    /// </code>
    /// </remarks>
    [Linux("mm/mmap.c", "protection_map")]
    public Pgprot[] ProtectionMap { get; }

    /// <summary>When nonzero, every request for address space is granted (vm_enough_memory always says yes).</summary>
    [Linux("mm/mmap.c", "sysctl_overcommit_memory")]
    public int SysctlOvercommitMemory { get; set; }

    /// <summary>Most regions one address space may have.</summary>
    [Linux("mm/mmap.c", "max_map_count")]
    public int MaxMapCount { get; set; } = DefaultMaxMapCount;

    /// <summary>The default of <see cref="MaxMapCount"/>.</summary>
    [Linux("include/linux/sched.h", "DEFAULT_MAX_MAP_COUNT")]
    public const int DefaultMaxMapCount = 65536;

    /// <summary>Where mmap starts looking for room when the caller gives no address: a third of the user space, 0x40000000 on i386.</summary>
    [Linux("include/asm-i386/processor.h", "TASK_UNMAPPED_BASE")]
    public uint TaskUnmappedBase => _kernel.Arch.TaskSize / 3;

    /// <summary>The flags of a heap region made by brk: readable, writable, executable and the three MAY bits.</summary>
    [Linux("include/asm-i386/page.h", "VM_DATA_DEFAULT_FLAGS")]
    public const uint VmDataDefaultFlags = VmFlags.Read | VmFlags.Write | VmFlags.Exec
        | VmFlags.MayRead | VmFlags.MayWrite | VmFlags.MayExec;

    /// <summary>
    /// When set, validate_mm checks the whole address space after every link (the kernel's
    /// DEBUG_MM_RB, off by default there too). Tests turn it on.
    /// </summary>
    public bool DebugMmRb { get; set; }

    private static uint PageAlign(uint addr) => (addr + PageSize - 1) & PageMask;

    private static uint Err(int negErrno) => (uint)negErrno;

    /// <summary>
    /// Whether <paramref name="pages"/> more pages of private writable memory may be promised: the
    /// free pages, the page cache and the free swap together must exceed the request. A cheap
    /// heuristic, easily fooled, but it stops most impossible requests.
    /// </summary>
    /// <param name="pages">Pages the caller wants to commit.</param>
    /// <returns>True when there is (probably) enough.</returns>
    [Linux("mm/mmap.c", "vm_enough_memory")]
    public bool VmEnoughMemory(long pages)
    {
        if (SysctlOvercommitMemory != 0)
            return true;

        // Port note: the reclaimable dentry and inode caches are not modelled; the swap cache is
        // empty and nr_swap_pages is 0 until swap is ported.
        long free = _kernel.Filemap.PageCacheSize;
        free += _kernel.PageAlloc.NrFreePages();
        free += _kernel.PageAlloc.NrSwapPages;
        // The swap cache pages are counted twice (they are also page cache); the kernel keeps it
        // that way to offset the swap space it already handed out.
        free += _kernel.SwapState.SwapperSpace.NrPages;
        return free > pages;
    }

    // Takes a region mapping a file off its inode's share list (and gives back the write access a
    // VM_DENYWRITE mapping withheld). The caller holds the mapping's i_shared_lock.
    [Linux("mm/mmap.c", "__remove_shared_vm_struct")]
    private static void RemoveSharedVmStructCore(VmAreaStruct vma)
    {
        File? file = vma.VmFile;
        if (file != null)
        {
            Inode inode = file.FDentry!.DInode!;
            if ((vma.VmFlags & VmFlags.DenyWrite) != 0)
                inode.IWritecount++;
            if (vma.VmNextShare != null)
                vma.VmNextShare.VmPprevShare = vma.VmPprevShare;
            vma.VmPprevShare.Set(vma.VmNextShare);
        }
    }

    [Linux("mm/mmap.c", "remove_shared_vm_struct")]
    private void RemoveSharedVmStruct(VmAreaStruct vma)
    {
        LockVmaMappings(vma);
        RemoveSharedVmStructCore(vma);
        UnlockVmaMappings(vma);
    }

    /// <summary>Takes the i_shared_lock of the file a region maps, if any, so its share list holds still.</summary>
    /// <param name="vma">The region.</param>
    [Linux("mm/mmap.c", "lock_vma_mappings")]
    public void LockVmaMappings(VmAreaStruct vma)
    {
        AddressSpace? mapping = null;
        if (vma.VmFile != null)
            mapping = vma.VmFile.FDentry!.DInode!.IMapping;
        mapping?.ISharedLock.Lock();
    }

    /// <summary>Releases what <see cref="LockVmaMappings"/> took.</summary>
    /// <param name="vma">The region.</param>
    [Linux("mm/mmap.c", "unlock_vma_mappings")]
    public void UnlockVmaMappings(VmAreaStruct vma)
    {
        AddressSpace? mapping = null;
        if (vma.VmFile != null)
            mapping = vma.VmFile.FDentry!.DInode!.IMapping;
        mapping?.ISharedLock.Unlock();
    }

    /// <summary>
    /// The brk system call of the current process: moves the end of the heap to
    /// <paramref name="brk"/>. Returns the new end, or the old one when the move is refused (below
    /// the end of the code, over RLIMIT_DATA, into another mapping, or out of memory).
    /// </summary>
    /// <param name="brk">The wanted end of the heap. Any value below end_code only asks where
    /// it is; that is why brk(0) asks in a process that exec'd a program. With end_code 0 (no
    /// program loaded) brk(0) is an ordinary shrink, to 0.</param>
    [Linux("mm/mmap.c", "sys_brk")]
    public uint SysBrk(uint brk)
    {
        MmStruct mm = _kernel.Current.Mm!;
        mm.MmapSem.DownWrite();

        uint newbrk, oldbrk;
        if (brk < mm.EndCode)
            goto @out;
        newbrk = PageAlign(brk);
        oldbrk = PageAlign(mm.Brk);
        if (oldbrk == newbrk)
            goto set_brk;

        // Shrinking always succeeds: it only unmaps.
        if (brk <= mm.Brk)
        {
            if (DoMunmap(mm, newbrk, oldbrk - newbrk) == 0)
                goto set_brk;
            goto @out;
        }

        uint rlim = _kernel.Current.Rlim[Resource.RlimitData].RlimCur;
        if (rlim < Resource.RlimInfinity && brk - mm.StartData > rlim)
            goto @out;

        // The page after the new end must be free too, so the heap never touches the next mapping.
        if (FindVmaIntersection(mm, oldbrk, newbrk + PageSize) != null)
            goto @out;

        if (!VmEnoughMemory((newbrk - oldbrk) >> PageShift))
            goto @out;

        if (DoBrk(oldbrk, newbrk - oldbrk) != oldbrk)
            goto @out;
    set_brk:
        mm.Brk = brk;
    @out:
        uint retval = mm.Brk;
        mm.MmapSem.UpWrite();
        return retval;
    }

    /// <summary>Translates mmap's PROT_* and MAP_* bits into the region's VM_* flags.</summary>
    /// <param name="prot">PROT_READ, PROT_WRITE, PROT_EXEC.</param>
    /// <param name="flags">MAP_GROWSDOWN, MAP_DENYWRITE, MAP_EXECUTABLE (others are ignored here).</param>
    [Linux("mm/mmap.c", "calc_vm_flags")]
    public static uint CalcVmFlags(uint prot, uint flags)
    {
        // _trans: copy the bit if both sides use the same value, else test and translate it.
        static uint Trans(uint x, uint bit1, uint bit2) =>
            bit1 == bit2 ? x & bit1 : (x & bit1) != 0 ? bit2 : 0;

        uint protBits = Trans(prot, Mman.ProtRead, VmFlags.Read)
            | Trans(prot, Mman.ProtWrite, VmFlags.Write)
            | Trans(prot, Mman.ProtExec, VmFlags.Exec);
        uint flagBits = Trans(flags, Mman.MapGrowsdown, VmFlags.GrowsDown)
            | Trans(flags, Mman.MapDenywrite, VmFlags.DenyWrite)
            | Trans(flags, Mman.MapExecutable, VmFlags.Executable);
        return protBits | flagBits;
    }

    // Counts the nodes of a subtree (the kernel's recursive debugging walk).
    [Linux("mm/mmap.c", "browse_rb")]
    private static int BrowseRb(RbNode? rbNode)
    {
        int i = 0;
        if (rbNode != null)
        {
            i++;
            i += BrowseRb(rbNode.RbLeft);
            i += BrowseRb(rbNode.RbRight);
        }
        return i;
    }

    /// <summary>
    /// With <see cref="DebugMmRb"/> on: panics unless the list, the tree and map_count agree
    /// (and, beyond the kernel's check, unless <see cref="CheckVmas"/> passes).
    /// </summary>
    /// <param name="mm">The address space.</param>
    /// <param name="detached">Port only: regions do_munmap holds off the list and tree that
    /// map_count still counts; they are added to both walks (see <see cref="InsertVmStructCore"/>).</param>
    [Linux("mm/mmap.c", "validate_mm")]
    public void ValidateMm(MmStruct mm, int detached = 0)
    {
        if (!DebugMmRb)
            return;
        int i = detached;
        for (VmAreaStruct? tmp = mm.Mmap; tmp != null; tmp = tmp.VmNext)
            i++;
        bool bug = false;
        if (i != mm.MapCount)
        {
            _kernel.Printk($"map_count {mm.MapCount} vm_next {i}");
            bug = true;
        }
        i = detached + BrowseRb(mm.MmRb.RbNode);
        if (i != mm.MapCount)
        {
            _kernel.Printk($"map_count {mm.MapCount} rb {i}");
            bug = true;
        }
        if (bug)
            throw new KernelPanicException("map_count disagrees with the list or the tree", "validate_mm");
        // The full check counts the list against map_count, so it waits for do_munmap's last call.
        if (detached == 0)
            CheckVmas(mm, checkCounters: false);
    }

    /// <summary>
    /// Where a region starting at <paramref name="addr"/> would go: returns the first region ending
    /// above <paramref name="addr"/> (null if none) and, for linking a new region in, the region
    /// before it on the list and the empty tree slot the new node would hang from.
    /// </summary>
    [Linux("mm/mmap.c", "find_vma_prepare")]
    private static VmAreaStruct? FindVmaPrepare(MmStruct mm, uint addr, out VmAreaStruct? pprev,
        out RbLink rbLink, out RbNode? rbParent)
    {
        // The descent remembers the slot (root, or a parent's left or right link) it would follow
        // next; that is the kernel's rb_node_t ** cursor.
        RbLink link = RbLink.Root;
        RbNode? parent = null, rbPrev = null;
        VmAreaStruct? vma = null;

        while (link.Get(mm.MmRb) is { } node)
        {
            parent = node;
            var vmaTmp = node.Entry<VmAreaStruct>();
            if (vmaTmp.VmEnd > addr)
            {
                vma = vmaTmp;
                if (vmaTmp.VmStart <= addr)
                {
                    // addr lies in this region. The kernel returns here without setting the
                    // outputs; its callers either refuse to link or, for an empty region at
                    // exactly this start, link through them unset (see RefuseEmptyAtStart).
                    pprev = null;
                    rbLink = link;
                    rbParent = parent;
                    return vma;
                }
                link = RbLink.LeftOf(node);
            }
            else
            {
                rbPrev = node;
                link = RbLink.RightOf(node);
            }
        }

        pprev = rbPrev?.Entry<VmAreaStruct>();
        rbLink = link;
        rbParent = parent;
        return vma;
    }

    // Puts vma on the sorted list after prev; with no prev it becomes the first, and the node it
    // would hang from in the tree (if any) is the region right after it.
    [Linux("mm/mmap.c", "__vma_link_list")]
    private static void VmaLinkList(MmStruct mm, VmAreaStruct vma, VmAreaStruct? prev, RbNode? rbParent)
    {
        if (prev != null)
        {
            vma.VmNext = prev.VmNext;
            prev.VmNext = vma;
        }
        else
        {
            mm.Mmap = vma;
            vma.VmNext = rbParent?.Entry<VmAreaStruct>();
        }
    }

    // Hangs the region's node in the empty slot found by find_vma_prepare and rebalances.
    [Linux("mm/mmap.c", "__vma_link_rb")]
    private static void VmaLinkRb(MmStruct mm, VmAreaStruct vma, RbLink rbLink, RbNode? rbParent)
    {
        rbLink.LinkNode(vma.VmRb, rbParent, mm.MmRb);
        Rbtree.InsertColor(vma.VmRb, mm.MmRb);
    }

    // A region mapping a file goes on the front of its mapping's shared or private share list
    // (and, for VM_DENYWRITE, takes write access away from the file).
    [Linux("mm/mmap.c", "__vma_link_file")]
    private static void VmaLinkFile(VmAreaStruct vma)
    {
        File? file = vma.VmFile;
        if (file != null)
        {
            Inode inode = file.FDentry!.DInode!;
            AddressSpace mapping = inode.IMapping;
            if ((vma.VmFlags & VmFlags.DenyWrite) != 0)
                inode.IWritecount--;

            ShareSlot head = ShareSlot.Head(mapping, (vma.VmFlags & VmFlags.Shared) != 0);
            if ((vma.VmNextShare = head.Get()) != null)
                vma.VmNextShare!.VmPprevShare = ShareSlot.After(vma);
            head.Set(vma);
            vma.VmPprevShare = head;
        }
    }

    [Linux("mm/mmap.c", "__vma_link")]
    private static void VmaLinkCore(MmStruct mm, VmAreaStruct vma, VmAreaStruct? prev, RbLink rbLink, RbNode? rbParent)
    {
        VmaLinkList(mm, vma, prev, rbParent);
        VmaLinkRb(mm, vma, rbLink, rbParent);
        VmaLinkFile(vma);
    }

    // __vma_link under the locks, and the count.
    [Linux("mm/mmap.c", "vma_link")]
    private void VmaLink(MmStruct mm, VmAreaStruct vma, VmAreaStruct? prev, RbLink rbLink, RbNode? rbParent)
    {
        LockVmaMappings(vma);
        mm.PageTableLock.Lock();
        VmaLinkCore(mm, vma, prev, rbLink, rbParent);
        mm.PageTableLock.Unlock();
        UnlockVmaMappings(vma);

        mm.MapCount++;
        ValidateMm(mm);
    }

    /// <summary>
    /// Tries to cover [addr, end) by stretching a neighbour instead of making a new region: prev
    /// grows up to <paramref name="end"/> when it ends at <paramref name="addr"/> (and then swallows
    /// the next region too if the new end meets it), or the next region grows down to
    /// <paramref name="addr"/> when it starts at <paramref name="end"/>. Only anonymous regions with
    /// exactly <paramref name="vmFlags"/> merge. Returns 1 when merged, 0 when a new region is needed.
    /// </summary>
    [Linux("mm/mmap.c", "vma_merge")]
    private int VmaMerge(MmStruct mm, VmAreaStruct? prev, RbNode? rbParent, uint addr, uint end, uint vmFlags)
    {
        KernelModel.SpinLock @lock = mm.PageTableLock;
        if (prev == null)
        {
            prev = rbParent!.Entry<VmAreaStruct>();
            goto merge_next;
        }
        // #region merge-prev
        if (prev.VmEnd == addr && CanVmaMerge(prev, vmFlags))
        {
            @lock.Lock();
            prev.VmEnd = end;
            VmAreaStruct? next = prev.VmNext;
            if (next != null && prev.VmEnd == next.VmStart && CanVmaMerge(next, vmFlags))
            {
                prev.VmEnd = next.VmEnd;
                VmaUnlinkCore(mm, next, prev);
                @lock.Unlock();

                mm.MapCount--;
                _kernel.Fork.VmAreaFree(next);
                return 1;
            }
            @lock.Unlock();
            return 1;
        }
        // #endregion

        prev = prev.VmNext;
        if (prev == null)
            return 0;
    merge_next:
        // #region merge-next
        if (!CanVmaMerge(prev, vmFlags))
            return 0;
        if (end == prev.VmStart)
        {
            @lock.Lock();
            prev.VmStart = addr;
            @lock.Unlock();
            return 1;
        }
        // #endregion
        return 0;
    }

    /// <summary>
    /// The heart of mmap: maps <paramref name="len"/> bytes for the current process at
    /// <paramref name="addr"/> (or wherever there is room), replacing what was there with
    /// MAP_FIXED. Returns the address, or a negated errno: -EINVAL for a bad length, type or
    /// offset, -ENOMEM with no room or no memory (or too many regions), -EAGAIN when locking would
    /// pass RLIMIT_MEMLOCK, -ENODEV for a file that cannot be mapped, -EACCES for a file opened
    /// without the access the mapping needs. A length that rounds to 0 returns
    /// <paramref name="addr"/> unchanged and unchecked. With MAP_FIXED whatever was mapped in the
    /// range is unmapped before the address-space and memory checks, which can still fail.
    /// </summary>
    /// <param name="file">The file to map (only shmem files have an mmap method), or null for anonymous memory.</param>
    /// <param name="addr">Wanted address (a hint unless MAP_FIXED).</param>
    /// <param name="len">Length in bytes; rounded up to whole pages.</param>
    /// <param name="prot">PROT_* bits.</param>
    /// <param name="flags">MAP_* bits: MAP_PRIVATE or MAP_SHARED, and modifiers.</param>
    /// <param name="pgoff">Offset in the file, in pages.</param>
    /// <remarks>The caller holds mm->mmap_sem for writing.</remarks>
    [Linux("mm/mmap.c", "do_mmap_pgoff")]
    public uint DoMmapPgoff(File? file, uint addr, uint len, uint prot, uint flags, uint pgoff)
    {
        TaskStruct current = _kernel.Current;
        MmStruct mm = current.Mm!;
        int correctWcount = 0;
        int error;

        if (file != null && (file.FOp == null || file.FOp.Mmap == null))
            return Err(-Errno.Enodev);

        // A length that rounds to 0 (0, or more than 0xfffff000) maps nothing and returns addr
        // as given: not checked for alignment, nor against TASK_SIZE.
        if ((len = PageAlign(len)) == 0)
            return addr;

        if (len > _kernel.Arch.TaskSize)
            return Err(-Errno.Einval);

        if (pgoff + (len >> PageShift) < pgoff)
            return Err(-Errno.Einval);

        if (mm.MapCount > MaxMapCount)
            return Err(-Errno.Enomem);

        // #region choose-address
        addr = GetUnmappedArea(file, addr, len, pgoff, flags);
        if ((addr & ~PageMask) != 0)
            return addr;
        // #endregion

        uint vmFlags = CalcVmFlags(prot, flags) | mm.DefFlags | VmFlags.MayRead | VmFlags.MayWrite | VmFlags.MayExec;

        // mlockall(MCL_FUTURE) made every new region locked: check the limit now.
        if ((vmFlags & VmFlags.Locked) != 0)
        {
            uint locked = mm.LockedVm << PageShift;
            locked += len;
            if (locked > current.Rlim[Resource.RlimitMemlock].RlimCur)
                return Err(-Errno.Eagain);
        }

        // #region check-access
        if (file != null)
        {
            switch (flags & Mman.MapType)
            {
                case Mman.MapShared:
                    if ((prot & Mman.ProtWrite) != 0 && (file.FMode & File.FmodeWrite) == 0)
                        return Err(-Errno.Eacces);
                    // No shared writable mapping of an append-only file.
                    if (file.FDentry!.DInode!.IsAppend && (file.FMode & File.FmodeWrite) != 0)
                        return Err(-Errno.Eacces);
                    // Port note: mandatory file locks (locks_verify_locked) are not modelled: none is ever held.
                    vmFlags |= VmFlags.Shared | VmFlags.MayShare;
                    if ((file.FMode & File.FmodeWrite) == 0)
                        vmFlags &= ~(VmFlags.MayWrite | VmFlags.Shared);
                    goto case Mman.MapPrivate;
                case Mman.MapPrivate:
                    if ((file.FMode & File.FmodeRead) == 0)
                        return Err(-Errno.Eacces);
                    break;
                default:
                    return Err(-Errno.Einval);
            }
        }
        else
        {
            // Anonymous memory: shared unless MAP_PRIVATE says otherwise.
            vmFlags |= VmFlags.Shared | VmFlags.MayShare;
            switch (flags & Mman.MapType)
            {
                case Mman.MapPrivate:
                    vmFlags &= ~(VmFlags.Shared | VmFlags.MayShare);
                    break;
                case Mman.MapShared:
                    break;
                default:
                    return Err(-Errno.Einval);
            }
        }
        // #endregion

        // #region clear-old-maps
        VmAreaStruct? vma, prev;
        RbLink rbLink;
        RbNode? rbParent;
    munmap_back:
        vma = FindVmaPrepare(mm, addr, out prev, out rbLink, out rbParent);
        if (vma != null && vma.VmStart < addr + len)
        {
            if (DoMunmap(mm, addr, len) != 0)
                return Err(-Errno.Enomem);
            goto munmap_back;
        }
        // #endregion

        if ((ulong)(mm.TotalVm << PageShift) + len > current.Rlim[Resource.RlimitAs].RlimCur)
            return Err(-Errno.Enomem);

        // Only private writable memory is committed: it may need a fresh page for every page.
        if ((vmFlags & (VmFlags.Shared | VmFlags.Write)) == VmFlags.Write &&
            (flags & Mman.MapNoreserve) == 0 &&
            !VmEnoughMemory(len >> PageShift))
            return Err(-Errno.Enomem);

        // #region try-merge
        if (file == null && (vmFlags & VmFlags.Shared) == 0 && rbParent != null)
            if (VmaMerge(mm, prev, rbParent, addr, addr + len, vmFlags) != 0)
                goto @out;
        // #endregion

        vma = _kernel.Fork.VmAreaAlloc(SlabFlags.Kernel);
        if (vma == null)
            return Err(-Errno.Enomem);

        vma.VmMm = mm;
        vma.VmStart = addr;
        vma.VmEnd = addr + len;
        vma.VmFlags = vmFlags;
        vma.VmPageProt = ProtectionMap[vmFlags & 0x0f];
        vma.VmOps = null;
        vma.VmPgoff = pgoff;
        vma.VmFile = null;
        vma.VmPrivateData = null;

        // #region backing-object
        if (file != null)
        {
            error = -Errno.Einval;
            if ((vmFlags & (VmFlags.GrowsDown | VmFlags.GrowsUp)) != 0)
                goto free_vma;
            if ((vmFlags & VmFlags.DenyWrite) != 0)
            {
                error = DenyWriteAccess(file);
                if (error != 0)
                    goto free_vma;
                correctWcount = 1;
            }
            vma.VmFile = file;
            file.GetFile();
            error = file.FOp!.Mmap!(file, vma);
            if (error != 0)
                goto unmap_and_free_vma;
        }
        else if ((flags & Mman.MapShared) != 0)
        {
            // Shared anonymous memory lives in an unlinked shmem file, so that every process the
            // region is forked into finds the same pages in that file's page cache.
            error = _kernel.Shmem.ShmemZeroSetup(vma);
            if (error != 0)
                goto free_vma;
        }
        // #endregion

        // A driver's mmap method may move the region; the tree slot must then be found again.
        if (addr != vma.VmStart)
        {
            addr = vma.VmStart;
            VmAreaStruct? staleVma = FindVmaPrepare(mm, addr, out prev, out rbLink, out rbParent);
            if (staleVma != null && staleVma.VmStart < vma.VmEnd)
                throw new KernelPanicException("buggy mmap operation", "do_mmap_pgoff");
        }

        VmaLink(mm, vma, prev, rbLink, rbParent);
        if (correctWcount != 0)
            file!.FDentry!.DInode!.IWritecount++;

    @out:
        mm.TotalVm += len >> PageShift;
        if ((vmFlags & VmFlags.Locked) != 0)
        {
            mm.LockedVm += len >> PageShift;
            _kernel.Memory.MakePagesPresent(addr, addr + len);
        }
        return addr;

    unmap_and_free_vma:
        if (correctWcount != 0)
            file!.FDentry!.DInode!.IWritecount++;
        vma.VmFile = null;
        _kernel.FileTable.Fput(file!);
        // Undo whatever the mmap method mapped before it failed.
        _kernel.Memory.ZapPageRange(mm, vma.VmStart, vma.VmEnd - vma.VmStart);
    free_vma:
        _kernel.Fork.VmAreaFree(vma);
        return Err(error);
    }

    /// <summary>
    /// Withholds write access to <paramref name="file"/> while it is mapped VM_DENYWRITE (a running
    /// program): fails with -ETXTBSY if someone has it open for writing.
    /// </summary>
    /// <param name="file">The file.</param>
    /// <remarks>Port note: the arbitration_lock that orders this against get_write_access is not
    /// needed in the single-threaded simulation.</remarks>
    [Linux("fs/namei.c", "deny_write_access")]
    public static int DenyWriteAccess(File file)
    {
        Inode inode = file.FDentry!.DInode!;
        if (inode.IWritecount > 0)
            return -Errno.Etxtbsy;
        inode.IWritecount--;
        return 0;
    }

    /// <summary>
    /// The i386 (generic) search for room: the hint if it is free, else the first hole of
    /// <paramref name="len"/> bytes at or above TASK_UNMAPPED_BASE, walking the regions upwards.
    /// Returns the address or -ENOMEM.
    /// </summary>
    [Linux("mm/mmap.c", "arch_get_unmapped_area")]
    private uint ArchGetUnmappedArea(File? filp, uint addr, uint len, uint pgoff, uint flags)
    {
        uint taskSize = _kernel.Arch.TaskSize;
        MmStruct? mm = _kernel.Current.Mm;
        VmAreaStruct? vma;

        if (len > taskSize)
            return Err(-Errno.Enomem);

        if (addr != 0)
        {
            addr = PageAlign(addr);
            vma = FindVma(mm, addr);
            if (taskSize - len >= addr && (vma == null || addr + len <= vma.VmStart))
                return addr;
        }
        addr = PageAlign(TaskUnmappedBase);

        // #region first-fit
        for (vma = FindVma(mm, addr); ; vma = vma.VmNext)
        {
            // Here vma is null or addr < vma.VmEnd.
            if (taskSize - len < addr)
                return Err(-Errno.Enomem);
            if (vma == null || addr + len <= vma.VmStart)
                return addr;
            addr = vma.VmEnd;
        }
        // #endregion
    }

    /// <summary>
    /// The address a new mapping of <paramref name="len"/> bytes gets: exactly
    /// <paramref name="addr"/> with MAP_FIXED (if it is aligned and fits below TASK_SIZE), else the
    /// architecture's choice. Returns the address, -EINVAL or -ENOMEM.
    /// </summary>
    /// <param name="file">The file (null: anonymous).</param>
    /// <param name="addr">Hint or fixed address.</param>
    /// <param name="len">Length, page aligned.</param>
    /// <param name="pgoff">Offset in pages.</param>
    /// <param name="flags">MAP_* flags.</param>
    [Linux("mm/mmap.c", "get_unmapped_area")]
    public uint GetUnmappedArea(File? file, uint addr, uint len, uint pgoff, uint flags)
    {
        if ((flags & Mman.MapFixed) != 0)
        {
            if (addr > _kernel.Arch.TaskSize - len)
                return Err(-Errno.Enomem);
            if ((addr & ~PageMask) != 0)
                return Err(-Errno.Einval);
            return addr;
        }

        if (file?.FOp?.GetUnmappedArea is { } fileArea)
            return fileArea(file, addr, len, pgoff, flags);

        return ArchGetUnmappedArea(file, addr, len, pgoff, flags);
    }

    /// <summary>The first region that ends above <paramref name="addr"/> (it may start above it too), or null.</summary>
    /// <param name="mm">The address space (null gives null).</param>
    /// <param name="addr">The address.</param>
    [Linux("mm/mmap.c", "find_vma")]
    public VmAreaStruct? FindVma(MmStruct? mm, uint addr)
    {
        VmAreaStruct? vma = null;
        if (mm == null)
            return vma;

        // The last answer is often right again (the kernel measured about a third of lookups).
        vma = mm.MmapCache;
        if (vma != null && vma.VmEnd > addr && vma.VmStart <= addr)
            return vma;

        // #region descent
        RbNode? rbNode = mm.MmRb.RbNode;
        vma = null;
        while (rbNode != null)
        {
            var vmaTmp = rbNode.Entry<VmAreaStruct>();
            if (vmaTmp.VmEnd > addr)
            {
                vma = vmaTmp;
                if (vmaTmp.VmStart <= addr)
                    break;
                rbNode = rbNode.RbLeft;
            }
            else
                rbNode = rbNode.RbRight;
        }
        // #endregion
        if (vma != null)
            mm.MmapCache = vma;
        return vma;
    }

    /// <summary>
    /// Like <see cref="FindVma"/>, and also returns the region before the one found (null if it is
    /// the first); both null when no region ends above <paramref name="addr"/>.
    /// </summary>
    /// <param name="mm">The address space.</param>
    /// <param name="addr">The address.</param>
    /// <param name="pprev">The region before the result.</param>
    [Linux("mm/mmap.c", "find_vma_prev")]
    public VmAreaStruct? FindVmaPrev(MmStruct? mm, uint addr, out VmAreaStruct? pprev)
    {
        if (mm != null)
        {
            RbNode? rbNode = mm.MmRb.RbNode;
            RbNode? rbLastRight = null, rbPrev = null;
            VmAreaStruct? vma = null;

            while (rbNode != null)
            {
                var vmaTmp = rbNode.Entry<VmAreaStruct>();
                if (vmaTmp.VmEnd > addr)
                {
                    vma = vmaTmp;
                    rbPrev = rbLastRight;
                    if (vmaTmp.VmStart <= addr)
                        break;
                    rbNode = rbNode.RbLeft;
                }
                else
                {
                    rbLastRight = rbNode;
                    rbNode = rbNode.RbRight;
                }
            }
            if (vma != null)
            {
                // The predecessor is the rightmost node of the left subtree if there is one, else
                // the last node where the descent turned right.
                if (vma.VmRb.RbLeft != null)
                {
                    rbPrev = vma.VmRb.RbLeft;
                    while (rbPrev.RbRight != null)
                        rbPrev = rbPrev.RbRight;
                }
                pprev = rbPrev?.Entry<VmAreaStruct>();
                if ((rbPrev != null ? pprev!.VmNext : mm.Mmap) != vma)
                    throw new KernelPanicException("list and tree disagree on the previous region", "find_vma_prev");
                return vma;
            }
        }
        pprev = null;
        return null;
    }

    /// <summary>
    /// The region containing <paramref name="addr"/>, growing a stack region down to it when the
    /// address lies just below one; null when there is none or the stack may not grow.
    /// </summary>
    /// <param name="mm">The address space.</param>
    /// <param name="addr">The address.</param>
    [Linux("mm/mmap.c", "find_extend_vma")]
    public VmAreaStruct? FindExtendVma(MmStruct mm, uint addr)
    {
        addr &= PageMask;
        VmAreaStruct? vma = FindVma(mm, addr);
        if (vma == null)
            return null;
        if (vma.VmStart <= addr)
            return vma;
        if ((vma.VmFlags & VmFlags.GrowsDown) == 0)
            return null;
        uint start = vma.VmStart;
        if (_kernel.Memory.ExpandStack(vma, addr) != 0)
            return null;
        if ((vma.VmFlags & VmFlags.Locked) != 0)
            _kernel.Memory.MakePagesPresent(addr, start);
        return vma;
    }
}
