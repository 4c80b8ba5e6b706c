using LinuxVm.Mm.Include;
using LinuxVm.Mm.Sim;

namespace LinuxVm.Mm.KernelModel;

/// <summary>
/// kernel/fork.c: pid allocation, creating a task from the current one, and the life cycle of
/// an address space (mm_alloc, copy_mm, mmput, mmdrop).
/// </summary>
public sealed class Fork
{
    private readonly Kernel _kernel;
    private int _nextSafe = PidMax;

    /// <summary>Creates the fork code of <paramref name="kernel"/>.</summary>
    /// <param name="kernel">The kernel.</param>
    public Fork(Kernel kernel) => _kernel = kernel;

    /// <summary>Pids are below this.</summary>
    [Linux("include/linux/threads.h", "PID_MAX")] public const int PidMax = 0x8000;

    /// <summary>Share the address space (a thread).</summary>
    [Linux("include/linux/sched.h", "CLONE_VM")] public const uint CloneVm = 0x00000100;
    /// <summary>Share the filesystem context.</summary>
    [Linux("include/linux/sched.h", "CLONE_FS")] public const uint CloneFs = 0x00000200;
    /// <summary>Share open files.</summary>
    [Linux("include/linux/sched.h", "CLONE_FILES")] public const uint CloneFiles = 0x00000400;
    /// <summary>Share signal handlers.</summary>
    [Linux("include/linux/sched.h", "CLONE_SIGHAND")] public const uint CloneSighand = 0x00000800;
    /// <summary>Keep the pid (only the boot CPU's idle-task clones may).</summary>
    [Linux("include/linux/sched.h", "CLONE_PID")] public const uint ClonePid = 0x00001000;
    /// <summary>Same parent as the caller.</summary>
    [Linux("include/linux/sched.h", "CLONE_PARENT")] public const uint CloneParent = 0x00008000;
    /// <summary>Same thread group.</summary>
    [Linux("include/linux/sched.h", "CLONE_THREAD")] public const uint CloneThread = 0x00010000;
    /// <summary>Low byte of the flags: the signal sent to the parent at exit.</summary>
    [Linux("include/linux/sched.h", "CSIGNAL")] public const uint Csignal = 0x000000ff;

    /// <summary>Tasks other than the idle tasks.</summary>
    [Linux("kernel/fork.c", "nr_threads")]
    public int NrThreads { get; set; }

    /// <summary>The last pid handed out.</summary>
    [Linux("kernel/fork.c", "last_pid")]
    public int LastPid { get; private set; }

    /// <summary>Forks since boot.</summary>
    [Linux("kernel/fork.c", "total_forks")]
    public uint TotalForks { get; private set; }

    /// <summary>Guards the list of address spaces headed at init_mm.mmlist.</summary>
    [Linux("kernel/fork.c", "mmlist_lock")]
    public SpinLock MmlistLock { get; } = new("mmlist_lock");

    /// <summary>Number of address spaces on the mmlist.</summary>
    [Linux("kernel/fork.c", "mmlist_nr")]
    public int MmlistNr { get; set; }

    /// <summary>The slab cache of signal handler tables ("signal_act").</summary>
    [Linux("kernel/fork.c", "sigact_cachep")]
    public KmemCache? SigactCachep { get; private set; }

    /// <summary>The slab cache of open-file tables ("files_cache").</summary>
    [Linux("kernel/fork.c", "files_cachep")]
    public KmemCache? FilesCachep { get; private set; }

    /// <summary>The slab cache of root, working directory and umask records ("fs_cache").</summary>
    [Linux("kernel/fork.c", "fs_cachep")]
    public KmemCache? FsCachep { get; private set; }

    /// <summary>The slab cache every memory region comes from ("vm_area_struct").</summary>
    [Linux("kernel/fork.c", "vm_area_cachep")]
    public KmemCache? VmAreaCachep { get; private set; }

    /// <summary>The slab cache of address-space descriptors ("mm_struct").</summary>
    [Linux("kernel/fork.c", "mm_cachep")]
    public KmemCache? MmCachep { get; private set; }

    /// <summary>
    /// Bytes of a <c>struct files_struct</c> on i386: five ints and locks and three pointers
    /// (32), two 1024-bit fd_sets (256) and NR_OPEN_DEFAULT = 32 file pointers (128).
    /// </summary>
    public const uint FilesStructSizeOf = 416;

    /// <summary>
    /// Bytes of a <c>struct fs_struct</c> on i386: the count, the rwlock and the umask (12), three
    /// dentry and three vfsmount pointers (24).
    /// </summary>
    public const uint FsStructSizeOf = 36;

    /// <summary>
    /// Creates the five slab caches of kernel/fork.c, each aligned to the L1 line: signal handler
    /// tables, open-file tables, fs records, memory regions and address-space descriptors. A
    /// cache that cannot be created is fatal.
    /// </summary>
    /// <remarks>Port note: open-file tables and fs records are outside the model (a task has no
    /// files or fs here), so files_cache and fs_cache exist, sized as 2.4 sizes them, and stay
    /// empty.</remarks>
    [Linux("kernel/fork.c", "proc_caches_init")]
    public void ProcCachesInit()
    {
        Slab slab = _kernel.Slab;
        SigactCachep = slab.KmemCacheCreate("signal_act", SignalStruct.SizeOf, 0, SlabFlags.HwcacheAlign, null, null)
            ?? throw new KernelPanicException("cannot create the signal_act slab cache", "proc_caches_init");
        FilesCachep = slab.KmemCacheCreate("files_cache", FilesStructSizeOf, 0, SlabFlags.HwcacheAlign, null, null)
            ?? throw new KernelPanicException("cannot create the files_cache slab cache", "proc_caches_init");
        FsCachep = slab.KmemCacheCreate("fs_cache", FsStructSizeOf, 0, SlabFlags.HwcacheAlign, null, null)
            ?? throw new KernelPanicException("cannot create the fs_cache slab cache", "proc_caches_init");
        VmAreaCachep = slab.KmemCacheCreate("vm_area_struct", VmAreaStruct.SizeOf, 0, SlabFlags.HwcacheAlign, null, null)
            ?? throw new KernelPanicException("cannot create the vm_area_struct slab cache", "proc_caches_init");
        MmCachep = slab.KmemCacheCreate("mm_struct", MmStruct.SizeOf, 0, SlabFlags.HwcacheAlign, null, null)
            ?? throw new KernelPanicException("cannot create the mm_struct slab cache", "proc_caches_init");
    }

    // kmem_cache_alloc from one of the caches above: true with the object's address, false when
    // the cache could not grow. Before proc_caches_init has run there is no cache to take from;
    // 2.4 would follow a null cache pointer there, so it is a kernel bug here too.
    private bool CacheAlloc(KmemCache? cachep, uint flags, out uint objp)
    {
        KernelPanicException.BugOn(cachep == null, "a slab cache of proc_caches_init used before it ran", "kmem_cache_alloc");
        objp = _kernel.Slab.KmemCacheAlloc(cachep!, flags);
        return objp != 0;
    }

    // kmem_cache_free to one of the caches above; an object freed twice is a kernel bug.
    private void CacheFree(KmemCache? cachep, uint objp, string what)
    {
        KernelPanicException.BugOn(cachep == null, "a slab cache of proc_caches_init used before it ran", "kmem_cache_free");
        KernelPanicException.BugOn(objp == 0, $"{what} freed twice", "kmem_cache_free");
        _kernel.Slab.KmemCacheFree(cachep!, objp);
    }

    /// <summary>
    /// <c>kmem_cache_alloc(vm_area_cachep, flags)</c>: a region whose storage is one object of the
    /// vm_area_struct cache, with every field empty; null when the cache cannot grow.
    /// </summary>
    /// <param name="flags">SLAB_KERNEL everywhere in 2.4.20, GFP_KERNEL in mprotect's split at the end.</param>
    public VmAreaStruct? VmAreaAlloc(uint flags) =>
        CacheAlloc(VmAreaCachep, flags, out uint objp) ? new VmAreaStruct { Objp = objp } : null;

    /// <summary><c>kmem_cache_free(vm_area_cachep, vma)</c>: the region's object goes back to its cache.</summary>
    /// <param name="vma">A region nothing refers to any more.</param>
    public void VmAreaFree(VmAreaStruct vma)
    {
        CacheFree(VmAreaCachep, vma.Objp, "vm_area_struct");
        vma.Objp = 0;
    }

    // The signal handler table of a new task, from signal_act.
    private SignalStruct? SigactAlloc(uint flags) =>
        CacheAlloc(SigactCachep, flags, out uint objp) ? new SignalStruct { Objp = objp } : null;

    /// <summary><c>kmem_cache_free(sigact_cachep, sig)</c>: a handler table nobody shares any more goes back to its cache.</summary>
    /// <param name="sig">The table.</param>
    public void SigactFree(SignalStruct sig)
    {
        CacheFree(SigactCachep, sig.Objp, "signal_struct");
        sig.Objp = 0;
    }

    // Hands out the next free pid: counting up from the last one, wrapping to 300 at 32768 (the low
    // pids belong to daemons started at boot), and skipping any number in use as a pid, process
    // group, thread group or session. next_safe remembers the smallest id in use above last_pid,
    // so most calls need no walk of the task list at all.
    [Linux("kernel/fork.c", "get_pid")]
    private int GetPid(uint flags)
    {
        if ((flags & ClonePid) != 0)
            return _kernel.Sched.Current.Pid;

        int beginpid = LastPid;
        if (((++LastPid) & 0xffff8000) != 0)
        {
            LastPid = 300;
            goto inside;
        }
        if (LastPid < _nextSafe)
            return LastPid;
    inside:
        _nextSafe = PidMax;
    repeat:
        foreach (TaskStruct p in _kernel.Sched.ForEachTask())
        {
            if (p.Pid == LastPid || p.Pgrp == LastPid || p.Tgid == LastPid || p.Session == LastPid)
            {
                if (++LastPid >= _nextSafe)
                {
                    if ((LastPid & 0xffff8000) != 0)
                        LastPid = 300;
                    _nextSafe = PidMax;
                }
                if (LastPid == beginpid)
                    return 0;
                goto repeat;
            }
            if (p.Pid > LastPid && _nextSafe > p.Pid)
                _nextSafe = p.Pid;
            if (p.Pgrp > LastPid && _nextSafe > p.Pgrp)
                _nextSafe = p.Pgrp;
            if (p.Tgid > LastPid && _nextSafe > p.Tgid)
                _nextSafe = p.Tgid;
            if (p.Session > LastPid && _nextSafe > p.Session)
                _nextSafe = p.Session;
        }
        return LastPid;
    }

    // A descriptor from the mm_struct cache, or null when the cache cannot grow.
    [Linux("kernel/fork.c", "allocate_mm")]
    private MmStruct? AllocateMm() =>
        CacheAlloc(MmCachep, SlabFlags.Kernel, out uint objp) ? new MmStruct(_kernel) { Objp = objp } : null;

    // The descriptor's object goes back to the mm_struct cache.
    [Linux("kernel/fork.c", "free_mm")]
    private void FreeMm(MmStruct mm)
    {
        CacheFree(MmCachep, mm.Objp, "mm_struct");
        mm.Objp = 0;
    }

    // Gives a zeroed descriptor its first user and reference, and a page directory.
    [Linux("kernel/fork.c", "mm_init")]
    private MmStruct? MmInit(MmStruct mm)
    {
        mm.MmUsers = 1;
        mm.MmCount = 1;
        mm.DefFlags = 0;
        // Port note: a kernel whose page allocator was never given memory (the task-model tests
        // build such kernels) has no page to hold a page directory; its address spaces keep pgd = 0.
        if (_kernel.PageAlloc.PgdatList == null)
            return mm;
        mm.Pgd = _kernel.Arch.PgdAlloc(mm);
        if (mm.Pgd != 0)
            return mm;
        FreeMm(mm);
        return null;
    }

    /// <summary>A new, empty address space with one user, or null when memory is short.</summary>
    [Linux("kernel/fork.c", "mm_alloc")]
    public MmStruct? MmAlloc()
    {
        MmStruct? mm = AllocateMm();
        return mm == null ? null : MmInit(mm);
    }

    /// <summary>Frees the descriptor when its last reference goes.</summary>
    /// <param name="mm">An address space nobody references any more.</param>
    [Linux("kernel/fork.c", "__mmdrop")]
    public void MmdropCore(MmStruct mm)
    {
        KernelPanicException.BugOn(mm == _kernel.InitMm, "mm == &init_mm", "__mmdrop");
        if (mm.Pgd != 0)
            _kernel.Arch.PgdFree(mm.Pgd);
        // Port note: destroy_context has nothing to free: the i386 LDT is outside the model.
        mm.Pgd = 0;
        FreeMm(mm);
    }

    /// <summary>Drops one reference to the descriptor (<c>mm_count</c>), freeing it with the last.</summary>
    /// <param name="mm">The address space.</param>
    [Linux("include/linux/sched.h", "mmdrop")]
    public void Mmdrop(MmStruct mm)
    {
        if (--mm.MmCount == 0)
            MmdropCore(mm);
    }

    /// <summary>Drops one user of the address space; the last user tears down its mappings and drops the descriptor.</summary>
    /// <param name="mm">The address space.</param>
    [Linux("kernel/fork.c", "mmput")]
    public void Mmput(MmStruct mm)
    {
        if (--mm.MmUsers == 0)
        {
            MmlistLock.Lock();
            // Port note: swap_mm (vmscan's cursor on the mmlist) is not yet ported.
            mm.Mmlist.Del();
            MmlistNr--;
            MmlistLock.Unlock();
            _kernel.Mmap.ExitMmap(mm);
            Mmdrop(mm);
        }
    }

    // Gives the child its address space: none for a kernel thread, the parent's own with
    // CLONE_VM, otherwise a copy of the parent's.
    [Linux("kernel/fork.c", "copy_mm")]
    private int CopyMm(uint cloneFlags, TaskStruct tsk)
    {
        tsk.MinFlt = tsk.MajFlt = 0;
        tsk.CminFlt = tsk.CmajFlt = 0;
        tsk.Nswap = tsk.Cnswap = 0;

        tsk.Mm = null;
        tsk.ActiveMm = null;

        MmStruct? oldmm = _kernel.Sched.Current.Mm;
        if (oldmm == null)
            return 0;

        MmStruct? mm;
        if ((cloneFlags & CloneVm) != 0)
        {
            oldmm.MmUsers++;
            mm = oldmm;
        }
        else
        {
            mm = AllocateMm();
            if (mm == null)
                return -Errno.Enomem;
            CopyMmFields(oldmm, mm);
            if (MmInit(mm) == null)
                return -Errno.Enomem;
            // The parent's regions are walked and copied with its mmap_sem held for writing, so
            // no other thread of the parent maps, unmaps or faults in the middle of the copy.
            oldmm.MmapSem.DownWrite();
            int retval = DupMmap(mm);
            oldmm.MmapSem.UpWrite();
            if (retval != 0)
            {
                Mmput(mm);
                return retval;
            }
        }
        tsk.Mm = mm;
        tsk.ActiveMm = mm;
        return 0;
    }

    // The memcpy of *oldmm in copy_mm: the layout and counters carry over to the child.
    private static void CopyMmFields(MmStruct from, MmStruct to)
    {
        to.StartCode = from.StartCode; to.EndCode = from.EndCode;
        to.StartData = from.StartData; to.EndData = from.EndData;
        to.StartBrk = from.StartBrk; to.Brk = from.Brk; to.StartStack = from.StartStack;
        to.ArgStart = from.ArgStart; to.ArgEnd = from.ArgEnd;
        to.EnvStart = from.EnvStart; to.EnvEnd = from.EnvEnd;
        to.Rss = from.Rss; to.TotalVm = from.TotalVm; to.LockedVm = from.LockedVm;
        to.DefFlags = from.DefFlags; to.Dumpable = from.Dumpable;
    }

    // Copies the parent's regions into the child's address space, and their page tables with
    // copy_page_range (private writable pages become copy-on-write in both), then builds the
    // child's tree. The child's mm goes on the mmlist right after the parent's.
    [Linux("kernel/fork.c", "dup_mmap")]
    private int DupMmap(MmStruct mm)
    {
        MmStruct oldmm = _kernel.Sched.Current.Mm!;
        _kernel.Arch.FlushCacheMm(oldmm);
        mm.LockedVm = 0;
        mm.Mmap = null;
        mm.MmapCache = null;
        mm.MapCount = 0;
        mm.Rss = 0;
        mm.CpuVmMask = 0;
        mm.SwapAddress = 0;
        VmAreaStruct? last = null; // pprev: the region whose vm_next the next copy goes in

        // Added before the copy so that swapoff can find the swap entries being copied.
        MmlistLock.Lock();
        oldmm.Mmlist.Add(mm.Mmlist);
        MmlistNr++;
        MmlistLock.Unlock();

        int retval = 0;
        for (VmAreaStruct? mpnt = oldmm.Mmap; mpnt != null; mpnt = mpnt.VmNext)
        {
            retval = -Errno.Enomem;
            if ((mpnt.VmFlags & VmFlags.DontCopy) != 0)
                continue;
            VmAreaStruct? tmp = VmAreaAlloc(SlabFlags.Kernel);
            if (tmp == null)
                goto fail_nomem;
            mpnt.CopyTo(tmp);
            tmp.VmFlags &= ~VmFlags.Locked;
            tmp.VmMm = mm;
            tmp.VmNext = null;
            Fs.File? file = tmp.VmFile;
            if (file != null)
            {
                Fs.Inode inode = file.FDentry!.DInode!;
                file.GetFile();
                if ((tmp.VmFlags & VmFlags.DenyWrite) != 0)
                    inode.IWritecount--;

                // The copy goes on the file's share list right behind the region it copies.
                inode.IMapping.ISharedLock.Lock();
                if ((tmp.VmNextShare = mpnt.VmNextShare) != null)
                    mpnt.VmNextShare!.VmPprevShare = ShareSlot.After(tmp);
                mpnt.VmNextShare = tmp;
                tmp.VmPprevShare = ShareSlot.After(mpnt);
                inode.IMapping.ISharedLock.Unlock();
            }

            // Linked in before its ptes are copied, so that swapoff can see the swap entries.
            mm.PageTableLock.Lock();
            if (last == null)
                mm.Mmap = tmp;
            else
                last.VmNext = tmp;
            last = tmp;
            mm.MapCount++;
            retval = _kernel.Memory.CopyPageRange(mm, oldmm, tmp);
            mm.PageTableLock.Unlock();

            tmp.VmOps?.Open?.Invoke(tmp);

            if (retval != 0)
                goto fail_nomem;
        }
        retval = 0;
        _kernel.Mmap.BuildMmapRb(mm);

    fail_nomem:
        // On failure the caller's mmput tears down what was copied (exit_mmap walks the list).
        _kernel.Arch.FlushTlbMm(oldmm);
        return retval;
    }

    // PF_SUPERPRIV is not inherited; a fresh child has not exec'd yet.
    [Linux("kernel/fork.c", "copy_flags")]
    private static void CopyFlags(TaskStruct p)
    {
        uint newFlags = p.Flags;
        newFlags &= ~(TaskStruct.PfSuperpriv | TaskStruct.PfUsedfpu);
        newFlags |= TaskStruct.PfForknoexec;
        p.Flags = newFlags;
    }

    /// <summary>
    /// Creates a child of the current task and makes it runnable; returns its pid or a negative errno.
    /// </summary>
    /// <param name="cloneFlags">CLONE_* flags, with the exit signal in the low byte.</param>
    /// <param name="comm">Command name for the child (the kernel copies the parent's; exec renames it).</param>
    /// <remarks>
    /// Port note: files, fs, namespaces, timers, thread registers and the per-user process count
    /// are outside the model. The child gets the parent's credentials, capabilities, limits, nice
    /// value and signal handlers (shared with CLONE_SIGHAND, copied otherwise) and half of its
    /// time slice.
    /// </remarks>
    [Linux("kernel/fork.c", "do_fork")]
    public int DoFork(uint cloneFlags, string? comm = null)
    {
        TaskStruct current = _kernel.Sched.Current;
        if ((cloneFlags & ClonePid) != 0 && current.Pid != 0)
            return -Errno.Eperm;

        var p = new TaskStruct
        {
            State = Sched.TaskUninterruptible,
            Flags = current.Flags,
            Nice = current.Nice,
            Policy = current.Policy,
            Uid = current.Uid, Euid = current.Euid, Suid = current.Suid,
            Fsuid = current.Fsuid, Gid = current.Gid, Egid = current.Egid,
            Sgid = current.Sgid, Fsgid = current.Fsgid, Groups = [.. current.Groups],
            CapEffective = current.CapEffective,
            CapInheritable = current.CapInheritable,
            CapPermitted = current.CapPermitted,
            Pgrp = current.Pgrp,
            Session = current.Session,
            Comm = comm ?? current.Comm,
            Processor = current.Processor,
        };
        for (int i = 0; i < p.Rlim.Length; i++)
        {
            p.Rlim[i].RlimCur = current.Rlim[i].RlimCur;
            p.Rlim[i].RlimMax = current.Rlim[i].RlimMax;
        }

        CopyFlags(p);
        p.Pid = GetPid(cloneFlags);
        if (p.Pid == 0 && current.Pid != 0)
            return -Errno.Eagain;

        p.Sigpending = 0;
        p.Times.TmsUtime = p.Times.TmsStime = 0;
        p.Times.TmsCutime = p.Times.TmsCstime = 0;
        p.StartTime = (uint)_kernel.Jiffies;

        // Whatever part fails, fork fails with -ENOMEM, and the parts already copied are undone in
        // reverse order. Port note: copy_files and copy_fs come first in 2.4 (and are undone last);
        // open files and fs records are outside the model.
        int retval = -Errno.Enomem;
        if (CopySighand(cloneFlags, p) != 0)
            return retval;
        if (CopyMm(cloneFlags, p) != 0)
            goto bad_fork_cleanup_sighand;

        p.ExitSignal = (int)(cloneFlags & Csignal);

        // The child takes half of the parent's remaining slice (rounded up), so forking does not
        // mint CPU time.
        p.Counter = (current.Counter + 1) >> 1;
        current.Counter >>= 1;
        if (current.Counter == 0)
            current.NeedResched = 1;

        retval = p.Pid;
        p.Tgid = retval;

        _kernel.Sched.TasklistLock.Lock();
        p.POpptr = current.POpptr;
        p.PPptr = current.PPptr;
        if ((cloneFlags & CloneParent) == 0)
        {
            p.POpptr = current;
            p.PPptr = current;
        }
        if ((cloneFlags & CloneThread) != 0)
        {
            p.Tgid = current.Tgid;
            current.ThreadGroup.Add(p.ThreadGroup);
        }
        _kernel.Sched.SetLinks(p);
        NrThreads++;
        _kernel.Sched.TasklistLock.Unlock();

        _kernel.Sched.WakeUpProcess(p);
        ++TotalForks;
        return retval;

    bad_fork_cleanup_sighand:
        _kernel.Exit.ExitSighand(p);
        return retval;
    }

    // Shares the handler table with CLONE_SIGHAND (one more user), else copies it into a table of
    // its own from signal_act; -1 when there is no memory for one.
    [Linux("kernel/fork.c", "copy_sighand")]
    private int CopySighand(uint cloneFlags, TaskStruct tsk)
    {
        SignalStruct parent = _kernel.Sched.Current.Sig!;
        if ((cloneFlags & CloneSighand) != 0)
        {
            parent.Count++;
            tsk.Sig = parent;
            return 0;
        }
        SignalStruct? sig = SigactAlloc(Gfp.Kernel);
        tsk.Sig = sig;
        if (sig == null)
            return -1;
        sig.Count = 1;
        parent.Action.CopyTo(sig.Action, 0);
        return 0;
    }
}
