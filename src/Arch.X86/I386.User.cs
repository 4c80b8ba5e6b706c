namespace LinuxVm.Arch.X86;

// Where tests, tools and benchmarks reach the process side of the machine.
public sealed partial class I386
{
    private UserSpace? _user;
    private Uaccess? _uaccess;

    /// <summary>User-mode loads and stores of the current (or a given) task, through the MMU.</summary>
    public UserSpace User => _user ??= new UserSpace(this);

    /// <summary>The kernel's access to user memory (copy_to_user and friends).</summary>
    public Uaccess Uaccess => _uaccess ??= new Uaccess(this);
}
