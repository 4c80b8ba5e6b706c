using System.Text;
using LinuxVm.Mm.Arch;
using LinuxVm.Mm.Include;
using static LinuxVm.Mm.Include.PageConstants;

namespace LinuxVm.Mm.KernelModel;

/// <summary>
/// fs/exec.c and fs/binfmt_elf.c, the parts that touch memory management: exec copies the argument
/// strings into spare pages, replaces the caller's address space with a fresh, empty one, and lays
/// the new program out in it the way a 2.4 ELF process looks.
/// </summary>
/// <remarks>
/// The layout of an i386 process after <see cref="ExecProgram"/>:
/// <code>
///   0xC0000000  TASK_SIZE = STACK_TOP ------------------------------------------
///               argument and environment strings (the pages exec filled)
///               stack, VM_GROWSDOWN: grows down on faults just below it
///               ...
///   0x40000000  TASK_UNMAPPED_BASE: mmap without an address starts here, going up
///               ...
///               heap: brk moves its end up
///               bss (whole pages past the data, made by do_brk)
///               data (read-write)
///   0x08048000  text (read, execute)
/// </code>
/// </remarks>
public sealed class Exec
{
    private readonly Kernel _kernel;

    /// <summary>Creates the exec code of <paramref name="kernel"/>.</summary>
    /// <param name="kernel">The kernel.</param>
    public Exec(Kernel kernel) => _kernel = kernel;

    /// <summary>
    /// Gives the current task a new empty address space, releasing the old one; returns 0 or
    /// -ENOMEM. A task that is the only user of its address space keeps the descriptor and only
    /// has its mappings torn down.
    /// </summary>
    [Linux("fs/exec.c", "exec_mmap")]
    public int ExecMmap()
    {
        TaskStruct current = _kernel.Sched.Current;
        MmStruct? oldMm = current.Mm;
        if (oldMm != null && oldMm.MmUsers == 1)
        {
            _kernel.Mmap.ExitMmap(oldMm);
            return 0;
        }

        MmStruct? mm = _kernel.Fork.MmAlloc();
        if (mm == null)
            return -Errno.Enomem;

        _kernel.Fork.MmlistLock.Lock();
        _kernel.InitMm.Mmlist.Add(mm.Mmlist);
        _kernel.Fork.MmlistNr++;
        _kernel.Fork.MmlistLock.Unlock();

        current.AllocLock.Lock();
        MmStruct activeMm = current.ActiveMm!;
        current.Mm = mm;
        current.ActiveMm = mm;
        current.AllocLock.Unlock();
        _kernel.Arch.SwitchMm(activeMm, mm, current, _kernel.CurrentCpu); // activate_mm
        if (oldMm != null)
        {
            KernelPanicException.BugOn(activeMm != oldMm, "active_mm != old_mm", "exec_mmap");
            _kernel.Fork.Mmput(oldMm);
            return 0;
        }
        _kernel.Fork.Mmdrop(activeMm);
        return 0;
    }

    /// <summary>
    /// The capability bounding set: the most a file's permitted set can give a process at exec.
    /// Starts as CAP_INIT_EFF_SET (everything but CAP_SETPCAP); the sysctl kernel.cap-bound can
    /// only take bits away.
    /// </summary>
    /// <remarks>Port note: this global of kernel/capability.c lives with the one code here that reads it.</remarks>
    [Linux("kernel/capability.c", "cap_bset")]
    public uint CapBset { get; set; } = Capability.CapInitEffSet;

    /// <summary>
    /// The credential half of preparing an exec: the new effective ids, and the capability sets the
    /// file stands for. 2.4 has no capabilities on files, so a program run by root (real or
    /// effective uid 0) is treated as if the file had every capability inheritable and permitted,
    /// and every capability effective when the effective uid is 0. Returns 0.
    /// </summary>
    /// <param name="bprm">The exec in progress.</param>
    /// <remarks>
    /// Port note: there is no file system, so there is no mode to check, no set-user-ID or
    /// set-group-ID bit to honour and no header to read: the new ids are the caller's effective ids,
    /// and the SECURE_NOROOT securebit is never set, as at boot.
    /// </remarks>
    [Linux("fs/exec.c", "prepare_binprm")]
    public int PrepareBinprm(LinuxBinprm bprm)
    {
        TaskStruct current = _kernel.Current;
        bprm.EUid = current.Euid;
        bprm.EGid = current.Egid;

        bprm.CapInheritable = 0;
        bprm.CapPermitted = 0;
        bprm.CapEffective = 0;
        if (bprm.EUid == 0 || current.Uid == 0)
        {
            bprm.CapInheritable = Capability.CapFullSet;
            bprm.CapPermitted = Capability.CapFullSet;
        }
        if (bprm.EUid == 0)
            bprm.CapEffective = Capability.CapFullSet;
        return 0;
    }

    /// <summary>
    /// Gives the current task its credentials after exec: permitted becomes the file's permitted
    /// set within <see cref="CapBset"/>, plus what both the file and the task may inherit;
    /// effective is that, if the file's effective set is full, else nothing. So a program exec'd
    /// with euid 0 runs with CAP_INIT_EFF_SET (CAP_SYS_RAWIO and CAP_SYS_ADMIN included) and one
    /// exec'd by an ordinary user with none. Pid 1 keeps the sets it has. The effective,
    /// saved and file-system ids become the new ones.
    /// </summary>
    /// <param name="bprm">The exec in progress, after <see cref="PrepareBinprm"/>.</param>
    /// <remarks>
    /// Port note: when the exec changes ids or gains capabilities, 2.4 also refuses the gain to a
    /// traced task or one that shares its fs, files or signal handlers, and clears
    /// keep_capabilities; the model has no ptrace, fs_struct, files_struct or keep_capabilities,
    /// so only the dumpable flag is cleared here.
    /// </remarks>
    [Linux("fs/exec.c", "compute_creds")]
    public void ComputeCreds(LinuxBinprm bprm)
    {
        TaskStruct current = _kernel.Current;
        uint newPermitted = bprm.CapPermitted & CapBset;
        uint working = bprm.CapInheritable & current.CapInheritable;
        newPermitted |= working;

        if (bprm.EUid != current.Uid || bprm.EGid != current.Gid || (newPermitted & ~current.CapPermitted) != 0)
        {
            if (current.Mm != null)
                current.Mm.Dumpable = false;
        }

        // Init keeps the sets init_task gave it.
        if (current.Pid != 1)
        {
            current.CapPermitted = newPermitted;
            current.CapEffective = newPermitted & bprm.CapEffective;
        }

        current.Suid = current.Euid = current.Fsuid = bprm.EUid;
        current.Sgid = current.Egid = current.Fsgid = bprm.EGid;
    }

    /// <summary>Pages of argument and environment strings an exec may carry (128 KiB).</summary>
    [Linux("include/linux/binfmts.h", "MAX_ARG_PAGES")]
    public const int MaxArgPages = 32;

    /// <summary>Where the i386 ELF linker puts the text of a program: 128 MiB + 288 KiB.</summary>
    public const uint ElfTextStart = 0x08048000;

    /// <summary>Top of the user stack: the end of user space (<c>STACK_TOP</c> = TASK_SIZE on i386).</summary>
    [Linux("include/asm-i386/a.out.h", "STACK_TOP")]
    public uint StackTop => _kernel.Arch.TaskSize;

    /// <summary>
    /// Copies strings into the argument pages below <see cref="LinuxBinprm.P"/>, the last one
    /// first, so that in memory they end up in order; pages are allocated as they are first
    /// touched. Returns 0, -E2BIG (no room) or -ENOMEM.
    /// </summary>
    /// <param name="strings">The strings (a NUL is added to each).</param>
    /// <param name="bprm">The exec in progress.</param>
    /// <remarks>Port note: the kernel reads the strings from the caller's user memory; these come from the simulation.</remarks>
    [Linux("fs/exec.c", "copy_strings")]
    public int CopyStrings(IReadOnlyList<string> strings, LinuxBinprm bprm)
    {
        for (int argc = strings.Count; argc-- > 0;)
        {
            byte[] str = Encoding.Latin1.GetBytes(strings[argc] + "\0");
            uint len = (uint)str.Length;
            if (bprm.P < len)
                return -Errno.E2big;

            bprm.P -= len;
            uint pos = bprm.P;
            int done = 0;
            while (len > 0)
            {
                uint offset = pos % PageSize;
                int i = (int)(pos / PageSize);
                Page? page = bprm.Page[i];
                if (page == null)
                {
                    page = _kernel.PageAlloc.AllocPage(Gfp.HighUser);
                    if (page == null)
                        return -Errno.Enomem;
                    bprm.Page[i] = page;
                    // A fresh page is cleared around the bytes copied into it.
                    _kernel.Phys.Fill(_kernel.PageToPhys(page), 0, PageSize);
                }
                uint bytesToCopy = PageSize - offset;
                if (bytesToCopy > len)
                    bytesToCopy = len;
                _kernel.Phys.Write(_kernel.PageToPhys(page) + offset, str.AsSpan(done, (int)bytesToCopy));
                pos += bytesToCopy;
                done += (int)bytesToCopy;
                len -= bytesToCopy;
            }
        }
        return 0;
    }

    /// <summary>
    /// Maps an argument page at <paramref name="address"/> of <paramref name="tsk"/>, dirty and
    /// writable (the process owns it alone), counting it in rss. If no page table can be had, the
    /// page is freed and the task killed.
    /// </summary>
    /// <param name="tsk">The task being exec'd.</param>
    /// <param name="page">The page, with one reference.</param>
    /// <param name="address">Its user address.</param>
    [Linux("fs/exec.c", "put_dirty_page")]
    public void PutDirtyPage(TaskStruct tsk, Page page, uint address)
    {
        MmStruct mm = tsk.Mm!;
        if (page.Count != 1)
            _kernel.Printk($"mem_map disagrees with page {page.MapNr} at {address:x8}");
        IArchitecture arch = _kernel.Arch;
        PgdPtr pgd = arch.PgdOffset(mm, address);

        mm.PageTableLock.Lock();
        PmdPtr pmd = _kernel.Memory.PmdAlloc(mm, pgd, address);
        if (pmd.IsNull)
            goto @out;
        PtePtr pte = _kernel.Memory.PteAlloc(mm, pmd, address);
        if (pte.IsNull)
            goto @out;
        if (!arch.ReadPte(pte).None)
            goto @out;
        // Port note: lru_cache_add (mm/swap.c) is not ported; the page is on no LRU list until it is.
        arch.FlushDcachePage(page);
        arch.FlushPageToRam(page);
        arch.SetPte(pte, arch.MkPte(page, Pgprot.PageCopy).MkWrite().MkDirty());
        mm.Rss++;
        mm.PageTableLock.Unlock();
        return;
    @out:
        mm.PageTableLock.Unlock();
        _kernel.PageAlloc.FreePage(page);
        _kernel.Signal.ForceSig(Signal.Sigkill, tsk);
    }

    /// <summary>
    /// Makes the stack region of the new program: from the page holding the lowest argument string
    /// up to STACK_TOP, VM_STACK_FLAGS (so it grows down), and maps the argument pages into it.
    /// Returns 0 or -ENOMEM.
    /// </summary>
    /// <param name="bprm">The exec in progress; its pointers move from page offsets to user addresses.</param>
    [Linux("fs/exec.c", "setup_arg_pages")]
    public int SetupArgPages(LinuxBinprm bprm)
    {
        TaskStruct current = _kernel.Current;
        MmStruct mm = current.Mm!;
        uint stackBase = StackTop - MaxArgPages * PageSize;

        bprm.P += stackBase;
        bprm.Exec += stackBase;

        VmAreaStruct? mpnt = _kernel.Fork.VmAreaAlloc(SlabFlags.Kernel);
        if (mpnt == null)
            return -Errno.Enomem;

        mm.MmapSem.DownWrite();
        mpnt.VmMm = mm;
        mpnt.VmStart = PageMask & bprm.P;
        mpnt.VmEnd = StackTop;
        mpnt.VmPageProt = Pgprot.PageCopy;
        mpnt.VmFlags = VmFlags.StackFlags;
        mpnt.VmOps = null;
        mpnt.VmPgoff = 0;
        mpnt.VmFile = null;
        mpnt.VmPrivateData = null;
        _kernel.Mmap.InsertVmStruct(mm, mpnt);
        mm.TotalVm = (mpnt.VmEnd - mpnt.VmStart) >> PageShift;

        for (int i = 0; i < MaxArgPages; i++)
        {
            Page? page = bprm.Page[i];
            if (page != null)
            {
                bprm.Page[i] = null;
                PutDirtyPage(current, page, stackBase);
            }
            stackBase += PageSize;
        }
        mm.MmapSem.UpWrite();
        return 0;
    }

    /// <summary>
    /// Execs <paramref name="image"/> in the current task: the argument strings are copied, the
    /// address space replaced (<see cref="ExecMmap"/>), the stack set up, and text, data, bss and
    /// an empty heap laid out as load_elf_binary does for a static i386 executable. Returns 0 or a
    /// negated errno; on failure after the old address space is gone the task is killed, as in 2.4.
    /// </summary>
    /// <param name="image">The program.</param>
    /// <remarks>
    /// A simulation entry point that follows do_execve and load_elf_binary step by step, keeping
    /// only what touches memory. Port notes: there is no file system, so the program's segments
    /// are mapped anonymous (zero-filled; /proc shows device 00:00, and task_mem counts the text
    /// as data) rather than from the executable file; padzero has nothing to clear in zero-filled
    /// memory; create_elf_tables (argc, argv[], envp[] and the auxiliary vector below the
    /// strings) is not built, so start_stack stays at the lowest string.
    /// </remarks>
    public int ExecProgram(ProgramImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        TaskStruct current = _kernel.Current;

        // do_execve: the strings go into spare pages before anything of the old program is lost.
        var bprm = new LinuxBinprm { P = PageSize * MaxArgPages - 4 };
        int retval = PrepareBinprm(bprm);
        if (retval == 0)
            retval = CopyStrings([image.Name], bprm);
        bprm.Exec = bprm.P;
        if (retval == 0)
            retval = CopyStrings(image.Envp, bprm);
        if (retval == 0)
            retval = CopyStrings(image.Argv, bprm);
        if (retval != 0)
        {
            foreach (Page? page in bprm.Page)
                if (page != null)
                    _kernel.PageAlloc.FreePage(page);
            return retval;
        }

        // load_elf_binary: flush_old_exec, then the new layout.
        retval = ExecMmap();
        if (retval != 0)
            return retval;
        current.Comm = image.Name;
        MmStruct mm = current.Mm!;
        mm.StartData = 0;
        mm.EndData = 0;
        mm.EndCode = 0;
        mm.Rss = 0;
        retval = SetupArgPages(bprm);
        if (retval < 0)
        {
            _kernel.Signal.SendSig(Signal.Sigkill, current, 0);
            return retval;
        }
        mm.StartStack = bprm.P;

        uint startCode = ElfTextStart;
        uint endCode = startCode + image.TextSize;
        uint startData = (endCode + PageSize - 1) & PageMask;
        uint endData = startData + image.DataSize;
        uint elfBss = endData, elfBrk = endData + image.BssSize;
        const uint elfFlags = Mman.MapPrivate | Mman.MapDenywrite | Mman.MapExecutable | Mman.MapFixed;

        // elf_map of the two PT_LOAD segments.
        mm.MmapSem.DownWrite();
        uint error = _kernel.Mmap.DoMmap(null, startCode, image.TextSize, Mman.ProtRead | Mman.ProtExec, elfFlags, 0);
        if ((error & ~PageMask) == 0 && image.DataSize != 0)
            error = _kernel.Mmap.DoMmap(null, startData, image.DataSize, Mman.ProtRead | Mman.ProtWrite, elfFlags, 0);
        mm.MmapSem.UpWrite();
        if ((error & ~PageMask) != 0)
        {
            _kernel.Signal.SendSig(Signal.Sigkill, current, 0);
            return (int)error;
        }

        // set_brk: whole pages of bss past the data become an anonymous heap region.
        mm.MmapSem.DownWrite();
        SetBrk(elfBss, elfBrk);
        mm.MmapSem.UpWrite();

        ComputeCreds(bprm);

        // create_elf_tables would set these while walking the strings.
        mm.ArgStart = bprm.P;
        mm.ArgEnd = mm.EnvStart = bprm.P + StringsSize(image.Argv);
        mm.EnvEnd = mm.EnvStart + StringsSize(image.Envp);

        mm.StartBrk = mm.Brk = elfBrk;
        mm.EndCode = endCode;
        mm.StartCode = startCode;
        mm.StartData = startData;
        mm.EndData = endData;
        return 0;
    }

    private static uint StringsSize(IReadOnlyList<string> strings) =>
        (uint)strings.Sum(s => Encoding.Latin1.GetByteCount(s) + 1);

    // Maps the whole pages of [start, end) that the data segment does not cover (the bss) as brk memory.
    [Linux("fs/binfmt_elf.c", "set_brk")]
    private void SetBrk(uint start, uint end)
    {
        start = (start + PageSize - 1) & PageMask;
        end = (end + PageSize - 1) & PageMask;
        if (end <= start)
            return;
        _kernel.Mmap.DoBrk(start, end - start);
    }
}

/// <summary>
/// An exec in progress, <c>struct linux_binprm</c> (include/linux/binfmts.h): the argument pages
/// and the cursor into them.
/// </summary>
[Linux("include/linux/binfmts.h", "struct linux_binprm")]
public sealed class LinuxBinprm
{
    /// <summary>The argument pages, allocated as strings reach them.</summary>
    [Linux("include/linux/binfmts.h", "linux_binprm.page")]
    public Page?[] Page { get; } = new Page?[LinuxVm.Mm.KernelModel.Exec.MaxArgPages];

    /// <summary>Lowest byte used so far: an offset into the pages, then (after setup_arg_pages) a user address.</summary>
    [Linux("include/linux/binfmts.h", "linux_binprm.p")]
    public uint P { get; set; }

    /// <summary>Where the program's file name was copied.</summary>
    [Linux("include/linux/binfmts.h", "linux_binprm.exec")]
    public uint Exec { get; set; }

    /// <summary>The effective user id the program will run with.</summary>
    [Linux("include/linux/binfmts.h", "linux_binprm.e_uid")]
    public uint EUid { get; set; }

    /// <summary>The effective group id the program will run with.</summary>
    [Linux("include/linux/binfmts.h", "linux_binprm.e_gid")]
    public uint EGid { get; set; }

    /// <summary>The file's inheritable capabilities (all or none in 2.4).</summary>
    [Linux("include/linux/binfmts.h", "linux_binprm.cap_inheritable")]
    public uint CapInheritable { get; set; }

    /// <summary>The file's permitted capabilities (all or none in 2.4).</summary>
    [Linux("include/linux/binfmts.h", "linux_binprm.cap_permitted")]
    public uint CapPermitted { get; set; }

    /// <summary>The file's effective capabilities (all or none in 2.4).</summary>
    [Linux("include/linux/binfmts.h", "linux_binprm.cap_effective")]
    public uint CapEffective { get; set; }
}

/// <summary>
/// A program to exec: its name, the sizes of its text, data and bss, and its arguments and
/// environment. A simulation input standing for an i386 ELF executable.
/// </summary>
/// <param name="Name">The program's name (becomes the task's comm).</param>
/// <param name="TextSize">Bytes of code, mapped read and execute at 0x08048000.</param>
/// <param name="DataSize">Bytes of initialised data, mapped read-write from the page after the text.</param>
/// <param name="BssSize">Bytes of zeroed data after the data; whole pages of it become the first heap region.</param>
public sealed record ProgramImage(string Name, uint TextSize = 0x4000, uint DataSize = 0x1000, uint BssSize = 0x2000)
{
    /// <summary>The arguments (argv[0] first); by default just the name.</summary>
    public IReadOnlyList<string> Argv { get; init; } = [Name];

    /// <summary>The environment.</summary>
    public IReadOnlyList<string> Envp { get; init; } = ["HOME=/", "PATH=/bin:/usr/bin"];
}
