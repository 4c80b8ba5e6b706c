namespace LinuxVm.Arch.X86;

// Where tests, tools and benchmarks reach the process side of the machine.
public sealed partial class I386
{
    /// <summary>User-mode loads and stores of the current (or a given) task, through the MMU.</summary>
    public UserSpace User { get; private set; } = null!;

    /// <summary>The kernel's access to user memory (copy_to_user and friends).</summary>
    public Uaccess Uaccess { get; private set; } = null!;
}
