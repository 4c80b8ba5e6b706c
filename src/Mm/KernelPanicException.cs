namespace LinuxVm.Mm;

/// <summary>
/// Thrown where the kernel would call <c>BUG()</c> or <c>panic()</c>: an internal invariant failed.
/// The simulation stops that machine; tests assert on <see cref="Check"/>.
/// </summary>
public sealed class KernelPanicException : Exception
{
    /// <summary>Creates the exception for the failed <paramref name="check"/>.</summary>
    /// <param name="check">The condition that failed, phrased like the kernel's test, e.g. <c>page_count(page) != 0</c>.</param>
    /// <param name="where">The kernel function that detected it.</param>
    public KernelPanicException(string check, string where)
        : base($"kernel BUG in {where}: {check}")
    {
        Check = check;
        Where = where;
    }

    /// <summary>The condition that failed.</summary>
    public string Check { get; }

    /// <summary>The kernel function that called BUG().</summary>
    public string Where { get; }

    /// <summary>The port's <c>BUG_ON</c>: throws when <paramref name="condition"/> holds.</summary>
    /// <param name="condition">True when the invariant is broken.</param>
    /// <param name="check">Text of the condition, shown in the message.</param>
    /// <param name="where">The kernel function doing the check.</param>
    [Linux("include/linux/kernel.h", "BUG_ON")]
    public static void BugOn(bool condition, string check, string where)
    {
        if (condition)
            throw new KernelPanicException(check, where);
    }
}
