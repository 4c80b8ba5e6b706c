using LinuxVm.Mm.Include;

namespace LinuxVm.Mm;

/// <summary>
/// The part of the running task, <c>current</c> (a <c>struct task_struct</c>), that the page
/// allocator reads and writes: the PF_* flags, and the private list of pages that reclaim frees
/// for the task itself while PF_FREE_PAGES is set.
/// </summary>
/// <remarks>The task model (TaskStruct) implements this and installs it through
/// <see cref="PageAlloc.Current"/>; the members carry no [Linux] tag because they are a view of
/// fields that TaskStruct ports.</remarks>
public interface IPageAllocTask
{
    /// <summary>The task's PF_* flags.</summary>
    uint Flags { get; set; }

    /// <summary>Pages freed by reclaim on this task's behalf, linked through <see cref="Page.List"/>, order in <see cref="Page.Index"/>.</summary>
    ListHead LocalPages { get; }

    /// <summary>Number of entries on <see cref="LocalPages"/>.</summary>
    uint NrLocalPages { get; set; }

    /// <summary>The order of the allocation that sent the task into reclaim.</summary>
    uint AllocationOrder { get; set; }
}

// Where the allocator meets the task model (kernel/sched.c): the running task and yield. Each is
// null until the scheduler installs it; while it is null the allocator behaves as 2.4 does when
// the boot task runs alone. They carry no [Linux] tag: the task model ports those names.
public sealed partial class PageAlloc
{
    /// <summary>
    /// Returns the running task, or null while no task model is installed. Null is treated as the
    /// boot task (swapper), whose flags are 0: not PF_MEMALLOC, not PF_FREE_PAGES.
    /// </summary>
    public Func<IPageAllocTask?>? Current { get; set; }

    /// <summary>
    /// kernel/sched.c yield(): lets other tasks (kswapd) run before __alloc_pages retries.
    /// Installed (as <see cref="KernelModel.Sched.Yield"/>) when the scheduler is first used; null before, when nothing else can run.
    /// </summary>
    public Action? Yield { get; set; }
}
