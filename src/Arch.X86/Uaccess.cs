using LinuxVm.Mm;
using LinuxVm.Mm.KernelModel;

namespace LinuxVm.Arch.X86;

/// <summary>
/// The kernel's access to user memory: include/asm-i386/uaccess.h (access_ok, verify_area,
/// get_user, put_user, copy_to_user, copy_from_user) and arch/i386/lib/usercopy.c (the copy, clear
/// and string routines). The kernel touches user addresses directly, in kernel mode, through the
/// current process's page tables; a fault there goes through do_page_fault like any other (so
/// demand paging and copy-on-write work), and a fault on a bad address finds the routine's entry
/// in the exception table, which turns it into a short count or -EFAULT instead of an oops.
/// </summary>
public sealed class Uaccess
{
    private readonly I386 _arch;
    private readonly Kernel _kernel;

    /// <summary>Creates the routines for <paramref name="arch"/>.</summary>
    /// <param name="arch">The architecture.</param>
    public Uaccess(I386 arch)
    {
        _arch = arch;
        _kernel = arch.Kernel;
    }

    /// <summary>access_ok type: the kernel will read the user range.</summary>
    [Linux("include/asm-i386/uaccess.h", "VERIFY_READ")] public const int VerifyRead = 0;
    /// <summary>access_ok type: the kernel will write the user range.</summary>
    [Linux("include/asm-i386/uaccess.h", "VERIFY_WRITE")] public const int VerifyWrite = 1;
    /// <summary>The address limit that lets the kernel pass its own buffers (set_fs(KERNEL_DS)).</summary>
    [Linux("include/asm-i386/uaccess.h", "KERNEL_DS")] public const uint KernelDs = 0xFFFFFFFF;
    /// <summary>The address limit of a process: user space ends at PAGE_OFFSET.</summary>
    [Linux("include/asm-i386/uaccess.h", "USER_DS")] public const uint UserDs = I386.PageOffsetValue;

    // Where the simulated user-copy instructions sit in kernel text, and where each one's fixup
    // code is: the __ex_table entries that usercopy.c, getuser.S and uaccess.h emit.
    private const uint CopyUserInsn = 0xC0230000, CopyUserFixup = 0xC0230040;
    private const uint CopyUserZeroingInsn = 0xC0230080, CopyUserZeroingFixup = 0xC02300C0;
    private const uint GetUserInsn = 0xC0230100, GetUserFixup = 0xC0230140;
    private const uint PutUserInsn = 0xC0230180, PutUserFixup = 0xC02301C0;
    private const uint StrncpyInsn = 0xC0230200, StrncpyFixup = 0xC0230240;
    private const uint ClearUserInsn = 0xC0230280, ClearUserFixup = 0xC02302C0;
    private const uint StrnlenInsn = 0xC0230300, StrnlenFixup = 0xC0230340;

    /// <summary>The exception table: pairs of (instruction that may fault on a user address, where to resume).</summary>
    [Linux("include/asm-i386/uaccess.h", "struct exception_table_entry")]
    public static IReadOnlyList<(uint Insn, uint Fixup)> ExTable { get; } =
    [
        (CopyUserInsn, CopyUserFixup), (CopyUserZeroingInsn, CopyUserZeroingFixup),
        (GetUserInsn, GetUserFixup), (PutUserInsn, PutUserFixup), (StrncpyInsn, StrncpyFixup),
        (ClearUserInsn, ClearUserFixup), (StrnlenInsn, StrnlenFixup),
    ];

    private uint AddrLimit => _arch.Thread(_kernel.Current).AddrLimit;

    /// <summary>True when <paramref name="addr"/> is below the current task's address limit.</summary>
    /// <param name="addr">An address.</param>
    [Linux("include/asm-i386/uaccess.h", "__addr_ok")]
    public bool AddrOk(uint addr) => addr < AddrLimit;

    /// <summary>0 when [addr, addr + size) lies below the address limit without wrapping past 4 GiB, nonzero otherwise.</summary>
    /// <param name="addr">First address.</param>
    /// <param name="size">Bytes.</param>
    [Linux("include/asm-i386/uaccess.h", "__range_ok")]
    public uint RangeOk(uint addr, uint size)
    {
        // The asm adds with carry: a sum that wraps, or one past the limit, fails.
        ulong sum = (ulong)addr + size;
        return sum > uint.MaxValue || (uint)sum > AddrLimit ? 1u : 0u;
    }

    /// <summary>Whether the kernel may access [addr, addr + size) for the current task. Only the range is checked: with CONFIG_X86_WP_WORKS_OK the page protections are left to the faults.</summary>
    /// <param name="type">VERIFY_READ or VERIFY_WRITE.</param>
    /// <param name="addr">First address.</param>
    /// <param name="size">Bytes.</param>
    [Linux("include/asm-i386/uaccess.h", "access_ok")]
    public bool AccessOk(int type, uint addr, uint size) => RangeOk(addr, size) == 0;

    /// <summary>0 when <see cref="AccessOk"/>, else -EFAULT.</summary>
    /// <param name="type">VERIFY_READ or VERIFY_WRITE.</param>
    /// <param name="addr">First address.</param>
    /// <param name="size">Bytes.</param>
    [Linux("include/asm-i386/uaccess.h", "verify_area")]
    public int VerifyArea(int type, uint addr, uint size) => AccessOk(type, addr, size) ? 0 : -Errno.Efault;

    // One kernel-mode copy loop with an exception-table entry: moves `n` bytes page by page and
    // returns how many were left when a fault took the fixup (0 when all were moved).
    private uint CopyLoop(uint insn, uint user, int n, bool write, Span<byte> buffer, ReadOnlySpan<byte> source)
    {
        Cpu cpu = _arch.CurrentCpuData;
        ThreadStruct thread = _arch.Thread(_kernel.Current);
        PtRegs? saved = thread.AccessRegs;
        var kregs = new PtRegs { Eip = insn, Esp = saved?.Esp ?? 0 };
        thread.AccessRegs = kregs;
        int done = 0;
        try
        {
            while (done < n)
            {
                uint vaddr = user + (uint)done;
                int chunk = (int)Math.Min(PageConstantsSize - (vaddr & 0xFFF), (uint)(n - done));
                ulong paddr;
                try
                {
                    paddr = _arch.Mmu.Translate(ref cpu, vaddr, write, false);
                }
                catch (PageFaultException) when (kregs.Eip != insn)
                {
                    return (uint)(n - done); // the fixup: report what is left
                }
                if (write)
                    _kernel.Phys.Write(paddr, source.Slice(done, chunk));
                else
                    _kernel.Phys.Read(paddr, buffer.Slice(done, chunk));
                done += chunk;
            }
            return 0;
        }
        finally
        {
            thread.AccessRegs = saved;
        }
    }

    private const uint PageConstantsSize = 4096;

    /// <summary>Copies to user space without the range check; returns the bytes that could not be copied.</summary>
    /// <param name="to">User address.</param>
    /// <param name="from">The bytes.</param>
    [Linux("include/asm-i386/uaccess.h", "__copy_user")]
    public uint CopyUserCore(uint to, ReadOnlySpan<byte> from) => CopyLoop(CopyUserInsn, to, from.Length, true, default, from);

    /// <summary>Copies from user space without the range check; on a fault the rest of <paramref name="to"/> is zeroed. Returns the bytes not copied.</summary>
    /// <param name="to">Kernel buffer.</param>
    /// <param name="from">User address.</param>
    [Linux("include/asm-i386/uaccess.h", "__copy_user_zeroing")]
    public uint CopyUserZeroing(Span<byte> to, uint from)
    {
        uint left = CopyLoop(CopyUserZeroingInsn, from, to.Length, false, to, default);
        to[(to.Length - (int)left)..].Clear();
        return left;
    }

    /// <summary>copy_to_user: checks the range, copies; returns the bytes not copied (all of them for a bad range).</summary>
    /// <param name="to">User address.</param>
    /// <param name="from">The bytes.</param>
    [Linux("arch/i386/lib/usercopy.c", "__generic_copy_to_user")]
    [Linux("include/asm-i386/uaccess.h", "copy_to_user")]
    public uint CopyToUser(uint to, ReadOnlySpan<byte> from)
    {
        uint n = (uint)from.Length;
        if (AccessOk(VerifyWrite, to, n))
            n = CopyUserCore(to, from);
        return n;
    }

    /// <summary>copy_from_user: checks the range, copies, zero-fills what could not be read; returns the bytes not copied.</summary>
    /// <param name="to">Kernel buffer.</param>
    /// <param name="from">User address.</param>
    [Linux("arch/i386/lib/usercopy.c", "__generic_copy_from_user")]
    [Linux("include/asm-i386/uaccess.h", "copy_from_user")]
    public uint CopyFromUser(Span<byte> to, uint from)
    {
        uint n = (uint)to.Length;
        if (AccessOk(VerifyRead, from, n))
            n = CopyUserZeroing(to, from);
        else
            to.Clear();
        return n;
    }

    /// <summary>Reads a 32-bit value from user space: 0, or -EFAULT (and <paramref name="x"/> = 0).</summary>
    /// <param name="x">The value read.</param>
    /// <param name="ptr">User address.</param>
    [Linux("include/asm-i386/uaccess.h", "get_user")]
    public int GetUser(out uint x, uint ptr)
    {
        x = 0;
        if (!AccessOk(VerifyRead, ptr, 4))
            return -Errno.Efault;
        Span<byte> b = stackalloc byte[4];
        if (CopyLoop(GetUserInsn, ptr, 4, false, b, default) != 0)
            return -Errno.Efault;
        x = BitConverter.ToUInt32(b);
        return 0;
    }

    /// <summary>Writes a 32-bit value to user space: 0, or -EFAULT.</summary>
    /// <param name="x">The value.</param>
    /// <param name="ptr">User address.</param>
    [Linux("include/asm-i386/uaccess.h", "put_user")]
    public int PutUser(uint x, uint ptr)
    {
        if (!AccessOk(VerifyWrite, ptr, 4))
            return -Errno.Efault;
        Span<byte> b = stackalloc byte[4];
        BitConverter.TryWriteBytes(b, x);
        return CopyLoop(PutUserInsn, ptr, 4, true, default, b) != 0 ? -Errno.Efault : 0;
    }

    /// <summary>
    /// Copies a NUL-terminated string of at most <paramref name="dst"/>.Length bytes from user
    /// space: returns its length (without the NUL; the count if no NUL came first), or -EFAULT.
    /// </summary>
    /// <param name="dst">Kernel buffer.</param>
    /// <param name="src">User address.</param>
    [Linux("arch/i386/lib/usercopy.c", "strncpy_from_user")]
    public int StrncpyFromUser(Span<byte> dst, uint src)
    {
        if (!AccessOk(VerifyRead, src, 1))
            return -Errno.Efault;
        Span<byte> one = stackalloc byte[1];
        for (int res = 0; res < dst.Length; res++)
        {
            if (CopyLoop(StrncpyInsn, src + (uint)res, 1, false, one, default) != 0)
                return -Errno.Efault;
            dst[res] = one[0];
            if (one[0] == 0)
                return res;
        }
        return dst.Length;
    }

    /// <summary>Zeroes <paramref name="n"/> bytes of user space; returns the bytes that could not be cleared.</summary>
    /// <param name="to">User address.</param>
    /// <param name="n">Bytes.</param>
    [Linux("arch/i386/lib/usercopy.c", "clear_user")]
    public uint ClearUser(uint to, uint n)
    {
        if (AccessOk(VerifyWrite, to, n))
            n = CopyLoop(ClearUserInsn, to, (int)n, true, default, new byte[n]);
        return n;
    }

    /// <summary>The size of a user string including its NUL; 0 on a fault, more than <paramref name="n"/> if it is longer.</summary>
    /// <param name="s">User address.</param>
    /// <param name="n">Most bytes to look at.</param>
    [Linux("arch/i386/lib/usercopy.c", "strnlen_user")]
    public int StrnlenUser(uint s, int n)
    {
        // The mask makes the result 0 for an address past the limit.
        if (!AddrOk(s))
            return 0;
        Span<byte> one = stackalloc byte[1];
        for (int i = 0; i < n; i++)
        {
            if (CopyLoop(StrnlenInsn, s + (uint)i, 1, false, one, default) != 0)
                return 0;
            if (one[0] == 0)
                return i + 1;
        }
        return n + 1;
    }
}
