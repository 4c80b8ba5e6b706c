namespace LinuxVm.Mm.KernelModel;

/// <summary>The error numbers mm/ and its kernel neighbours return, negated (include/asm-i386/errno.h).</summary>
public static class Errno
{
    /// <summary>Operation not permitted.</summary>
    [Linux("include/asm-i386/errno.h", "EPERM")] public const int Eperm = 1;
    /// <summary>No such process.</summary>
    [Linux("include/asm-i386/errno.h", "ESRCH")] public const int Esrch = 3;
    /// <summary>Interrupted system call.</summary>
    [Linux("include/asm-i386/errno.h", "EINTR")] public const int Eintr = 4;
    /// <summary>Argument list too long.</summary>
    [Linux("include/asm-i386/errno.h", "E2BIG")] public const int E2big = 7;
    /// <summary>Bad file descriptor.</summary>
    [Linux("include/asm-i386/errno.h", "EBADF")] public const int Ebadf = 9;
    /// <summary>No child processes.</summary>
    [Linux("include/asm-i386/errno.h", "ECHILD")] public const int Echild = 10;
    /// <summary>Try again (also: mlock over the limit, no free pid).</summary>
    [Linux("include/asm-i386/errno.h", "EAGAIN")] public const int Eagain = 11;
    /// <summary>Out of memory (also: no room in the address space).</summary>
    [Linux("include/asm-i386/errno.h", "ENOMEM")] public const int Enomem = 12;
    /// <summary>Permission denied.</summary>
    [Linux("include/asm-i386/errno.h", "EACCES")] public const int Eacces = 13;
    /// <summary>Bad address.</summary>
    [Linux("include/asm-i386/errno.h", "EFAULT")] public const int Efault = 14;
    /// <summary>No such device (also: the file cannot be mapped).</summary>
    [Linux("include/asm-i386/errno.h", "ENODEV")] public const int Enodev = 19;
    /// <summary>Invalid argument.</summary>
    [Linux("include/asm-i386/errno.h", "EINVAL")] public const int Einval = 22;
    /// <summary>File table overflow: no more open files.</summary>
    [Linux("include/asm-i386/errno.h", "ENFILE")] public const int Enfile = 23;
    /// <summary>Text file busy: a running program's file may not be written.</summary>
    [Linux("include/asm-i386/errno.h", "ETXTBSY")] public const int Etxtbsy = 26;
    /// <summary>File too large.</summary>
    [Linux("include/asm-i386/errno.h", "EFBIG")] public const int Efbig = 27;
    /// <summary>No space left on device.</summary>
    [Linux("include/asm-i386/errno.h", "ENOSPC")] public const int Enospc = 28;

    /// <summary>A sleep was interrupted by a signal; the system call is restarted or fails with EINTR (never seen by user space).</summary>
    [Linux("include/linux/errno.h", "ERESTARTSYS")] public const int Erestartsys = 512;
}
