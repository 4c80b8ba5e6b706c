using LinuxVm.Mm.Include;
using LinuxVm.Mm.KernelModel;

namespace LinuxVm.Mm;

// include/linux/mm.h: growing a stack region down to a faulting address.
public sealed partial class Memory
{
    /// <summary>
    /// Extends the stack region <paramref name="vma"/> down to the page holding
    /// <paramref name="address"/>, unless the stack would then exceed the current task's
    /// RLIMIT_STACK or the address space its RLIMIT_AS. Returns 0 or -ENOMEM. The caller holds
    /// mmap_sem; no page is allocated here, the fault that follows does that.
    /// </summary>
    /// <param name="vma">A VM_GROWSDOWN region starting above <paramref name="address"/>.</param>
    /// <param name="address">The address the stack must reach.</param>
    [Linux("include/linux/mm.h", "expand_stack")]
    public int ExpandStack(VmAreaStruct vma, uint address)
    {
        TaskStruct current = _kernel.Current;
        MmStruct mm = vma.VmMm;
        address &= PageConstants.PageMask;
        mm.PageTableLock.Lock();
        uint grow = (vma.VmStart - address) >> PageConstants.PageShift;
        // Both limits are compared in bytes; the address-space sum is computed in 32 bits as in C.
        if (vma.VmEnd - address > current.Rlim[Resource.RlimitStack].RlimCur ||
            ((mm.TotalVm + grow) << PageConstants.PageShift) > current.Rlim[Resource.RlimitAs].RlimCur)
        {
            mm.PageTableLock.Unlock();
            return -Errno.Enomem;
        }
        vma.VmStart = address;
        vma.VmPgoff -= grow;
        mm.TotalVm += grow;
        if ((vma.VmFlags & VmFlags.Locked) != 0)
            mm.LockedVm += grow;
        mm.PageTableLock.Unlock();
        return 0;
    }
}
