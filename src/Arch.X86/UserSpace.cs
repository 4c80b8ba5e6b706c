using LinuxVm.Mm;
using LinuxVm.Mm.KernelModel;

namespace LinuxVm.Arch.X86;

/// <summary>
/// A process running in user mode: the loads and stores its instructions make, at its virtual
/// addresses, through the MMU of the CPU it runs on with its page directory loaded. Every access
/// can fault, and the fault goes through do_page_fault as on the real machine: demand paging,
/// copy-on-write, stack growth, or a SIGSEGV that ends the process and nothing else.
/// </summary>
/// <remarks>
/// Not a kernel file: the simulation's stand-in for user code. The methods without a task act for
/// the task current on the executing CPU (inside <see cref="Mm.Simulation.Driver.RunAs(TaskStruct, Action)"/>); those with a task run
/// as it. Each returns false when the access did not complete: the task took a signal it could
/// not survive (it is a zombie now) or whose handler did not fix the access.
/// </remarks>
public sealed class UserSpace
{
    private readonly I386 _arch;
    private readonly Kernel _kernel;
    private readonly Mmu _mmu;

    /// <summary>Creates the user-mode side of <paramref name="arch"/> (its MMU, with the fault handler, must exist).</summary>
    /// <param name="arch">The architecture.</param>
    public UserSpace(I386 arch)
    {
        _arch = arch;
        _kernel = arch.Kernel;
        _mmu = arch.Mmu;
    }

    // Enters user mode on this CPU as `current`: a fault will push its user registers, and its
    // page directory must be the one in cr3 (schedule's switch_mm put it there; a task switched
    // to before the handler was installed gets it now).
    private Cpu Enter(out ThreadStruct thread)
    {
        TaskStruct task = _kernel.Current;
        Cpu cpu = _arch.CurrentCpuData;
        var mm = task.Mm ?? throw new InvalidOperationException($"task {task} has no user address space");
        if (cpu.Cr3 != mm.Pgd - I386.PageOffsetValue)
            _arch.SwitchMm(_kernel.InitMm, mm, task, cpu.Id);
        // The last task's thread state is remembered: looking it up is the costliest step here.
        if (task != _lastTask)
        {
            _lastThread = _arch.Thread(task);
            _lastTask = task;
        }
        thread = _lastThread!;
        thread.AccessRegs = thread.Regs;
        return cpu;
    }

    private TaskStruct? _lastTask;
    private ThreadStruct? _lastThread;

    private static void Leave(ThreadStruct thread) => thread.AccessRegs = null;

    /// <summary>The current task loads bytes from its address <paramref name="vaddr"/>.</summary>
    /// <param name="vaddr">User address.</param>
    /// <param name="destination">Where the bytes go.</param>
    public bool Read(uint vaddr, Span<byte> destination)
    {
        Cpu cpu = Enter(out ThreadStruct thread);
        try
        {
            _mmu.Read(cpu, vaddr, destination, user: true);
            return true;
        }
        catch (PageFaultException)
        {
            return false;
        }
        finally
        {
            Leave(thread);
        }
    }

    /// <summary>The current task stores bytes at its address <paramref name="vaddr"/>.</summary>
    /// <param name="vaddr">User address.</param>
    /// <param name="source">The bytes.</param>
    public bool Write(uint vaddr, ReadOnlySpan<byte> source)
    {
        Cpu cpu = Enter(out ThreadStruct thread);
        try
        {
            _mmu.Write(cpu, vaddr, source, user: true);
            return true;
        }
        catch (PageFaultException)
        {
            return false;
        }
        finally
        {
            Leave(thread);
        }
    }

    /// <summary>The current task loads an aligned 32-bit word.</summary>
    /// <param name="vaddr">User address, 4-byte aligned.</param>
    /// <param name="value">The word (0 when the load failed).</param>
    public bool ReadU32(uint vaddr, out uint value)
    {
        Cpu cpu = Enter(out ThreadStruct thread);
        try
        {
            value = _mmu.ReadU32(cpu, vaddr, user: true);
            return true;
        }
        catch (PageFaultException)
        {
            value = 0;
            return false;
        }
        finally
        {
            Leave(thread);
        }
    }

    /// <summary>The current task stores an aligned 32-bit word.</summary>
    /// <param name="vaddr">User address, 4-byte aligned.</param>
    /// <param name="value">The word.</param>
    public bool WriteU32(uint vaddr, uint value)
    {
        Cpu cpu = Enter(out ThreadStruct thread);
        try
        {
            _mmu.WriteU32(cpu, vaddr, value, user: true);
            return true;
        }
        catch (PageFaultException)
        {
            return false;
        }
        finally
        {
            Leave(thread);
        }
    }

    /// <summary>
    /// The current task touches <paramref name="pages"/> consecutive pages from
    /// <paramref name="start"/>, one aligned word each (a store when <paramref name="write"/>, else a
    /// load): the first touch of a page faults. Returns how many touches completed. Meant for
    /// benchmarks and experiments that want many faults without per-call overhead.
    /// </summary>
    /// <param name="start">Page-aligned user address.</param>
    /// <param name="pages">Number of pages.</param>
    /// <param name="write">Store (true) or load (false).</param>
    public int TouchPages(uint start, int pages, bool write = true)
    {
        Cpu cpu = Enter(out ThreadStruct thread);
        int done = 0;
        try
        {
            for (; done < pages; done++)
            {
                uint vaddr = start + ((uint)done << 12);
                // A fault that slept may have resumed the task on another CPU.
                cpu = _arch.CurrentCpuData;
                if (write)
                    _mmu.WriteU32(cpu, vaddr, (uint)done, user: true);
                else
                    _mmu.ReadU32(cpu, vaddr, user: true);
            }
        }
        catch (PageFaultException)
        {
        }
        finally
        {
            Leave(thread);
        }
        return done;
    }

    /// <summary><paramref name="task"/> loads bytes from its address <paramref name="vaddr"/>.</summary>
    /// <param name="task">The task.</param>
    /// <param name="vaddr">User address.</param>
    /// <param name="destination">Where the bytes go.</param>
    public bool Read(TaskStruct task, uint vaddr, byte[] destination) =>
        _kernel.Driver.RunAs(task, () => Read(vaddr, destination));

    /// <summary><paramref name="task"/> stores bytes at its address <paramref name="vaddr"/>.</summary>
    /// <param name="task">The task.</param>
    /// <param name="vaddr">User address.</param>
    /// <param name="source">The bytes.</param>
    public bool Write(TaskStruct task, uint vaddr, byte[] source) =>
        _kernel.Driver.RunAs(task, () => Write(vaddr, source));

    /// <summary><paramref name="task"/> loads an aligned 32-bit word; null when the load failed.</summary>
    /// <param name="task">The task.</param>
    /// <param name="vaddr">User address.</param>
    public uint? ReadU32(TaskStruct task, uint vaddr) =>
        _kernel.Driver.RunAs(task, () => ReadU32(vaddr, out uint v) ? v : (uint?)null);

    /// <summary><paramref name="task"/> stores an aligned 32-bit word.</summary>
    /// <param name="task">The task.</param>
    /// <param name="vaddr">User address.</param>
    /// <param name="value">The word.</param>
    public bool WriteU32(TaskStruct task, uint vaddr, uint value) =>
        _kernel.Driver.RunAs(task, () => WriteU32(vaddr, value));
}
