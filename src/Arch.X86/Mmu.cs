using LinuxVm.Mm.Arch;
using LinuxVm.Mm.Sim;

namespace LinuxVm.Arch.X86;

/// <summary>
/// The paging unit of a simulated Pentium III: it translates a linear address by walking the page
/// tables in simulated physical memory, exactly as the hardware would, caching the result in the
/// CPU's <see cref="Tlb"/>, setting accessed and dirty bits in the entries, and raising a page fault
/// with the i386 error code when the walk fails or the access is not allowed.
/// </summary>
/// <remarks>
/// <para>The two walks (CR4.PAE clear or set):</para>
/// <code>
/// 2-level:  31       22 21       12 11         0
///          | pgd index | pte index |   offset    |    cr3 -> pgd[1024] -> pte[1024] -> frame
///                      (PSE pgd entry: bits 21..0 are the offset in a 4 MiB page)
///
/// PAE:      31 30 29     21 20     12 11         0
///          |pdpt| pmd idx  | pte idx |   offset    |  cr3 -> pdpt[4] -> pmd[512] -> pte[512] -> frame
///                          (PSE pmd entry: bits 20..0 are the offset in a 2 MiB page)
/// </code>
/// <para>
/// Permission checks combine every level: a user access needs U/S at every level, a write needs
/// R/W at every level (in supervisor mode too, because the kernel sets CR0.WP on every CPU that
/// honours it; test_wp_bit checks that). The CPU sets A in every entry it walks through and D in
/// the last one on a write. A write through a TLB entry cached with D clear re-walks the tables
/// to set D, so the dirty bit is never lost.
/// </para>
/// </remarks>
public sealed class Mmu
{
    private readonly PhysicalMemory _phys;

    /// <summary>Creates the paging unit reading tables from <paramref name="phys"/>, raising faults to <paramref name="pageFaultHandler"/>.</summary>
    /// <param name="phys">The machine's memory.</param>
    /// <param name="pageFaultHandler">The exception-14 handler (see <see cref="PageFaultHandler"/>); null for none.</param>
    public Mmu(PhysicalMemory phys, Func<Cpu, uint, uint, Cpu?>? pageFaultHandler = null)
    {
        _phys = phys;
        PageFaultHandler = pageFaultHandler;
    }

    /// <summary>
    /// The page-fault handler (exception 14), called with the CPU, the faulting address and the
    /// error code. It returns the CPU on which to retry the access when it fixed the mapping, or
    /// null to abandon the access. The CPU it returns may differ from the one that faulted: a
    /// handler that sleeps may resume its task on another CPU, and the faulting instruction runs
    /// again there. Without a handler every fault is fatal and surfaces as
    /// <see cref="PageFaultException"/>. Set when the MMU is built, like the IDT entry it stands for.
    /// </summary>
    public Func<Cpu, uint, uint, Cpu?>? PageFaultHandler { get; }

    /// <summary>Page walks performed.</summary>
    public long Walks { get; private set; }

    /// <summary>Translates <paramref name="vaddr"/> for an access, taking the fault path if needed; returns the physical address.</summary>
    /// <param name="cpu">The CPU doing the access.</param>
    /// <param name="vaddr">The linear address.</param>
    /// <param name="write">True for a store.</param>
    /// <param name="user">True for a user-mode access (CPL 3).</param>
    /// <exception cref="PageFaultException">The fault was not resolved.</exception>
    public ulong Translate(Cpu cpu, uint vaddr, bool write, bool user) => Translate(ref cpu, vaddr, write, user);

    /// <summary>
    /// Translates as <see cref="Translate(Cpu, uint, bool, bool)"/> does, and leaves in
    /// <paramref name="cpu"/> the CPU the access completed on: after a fault whose handler slept,
    /// the task may go on on another CPU, and every later access of the same instruction stream
    /// must use that CPU's page tables and TLB.
    /// </summary>
    /// <param name="cpu">The CPU doing the access; on return, the CPU it completed on.</param>
    /// <param name="vaddr">The linear address.</param>
    /// <param name="write">True for a store.</param>
    /// <param name="user">True for a user-mode access (CPL 3).</param>
    /// <exception cref="PageFaultException">The fault was not resolved.</exception>
    public ulong Translate(ref Cpu cpu, uint vaddr, bool write, bool user)
    {
        for (int attempt = 0; ; attempt++)
        {
            if (TryTranslate(cpu, vaddr, write, user, out ulong paddr, out uint errorCode))
                return paddr;
            cpu.Cr2 = vaddr;
            // A handler that claims success but leaves the mapping broken would loop for ever on
            // hardware too; stop after a few rounds so the simulation reports it.
            Cpu? retryOn = PageFaultHandler is null || attempt >= 3 ? null : PageFaultHandler(cpu, vaddr, errorCode);
            if (retryOn is null)
                throw new PageFaultException(vaddr, errorCode, cpu.Id);
            cpu = retryOn;
        }
    }

    /// <summary>Translates without faulting: false and the error code when the CPU would raise a page fault.</summary>
    /// <param name="cpu">The CPU doing the access.</param>
    /// <param name="vaddr">The linear address.</param>
    /// <param name="write">True for a store.</param>
    /// <param name="user">True for a user-mode access.</param>
    /// <param name="paddr">The physical address, when it succeeds.</param>
    /// <param name="errorCode">The page-fault error code, when it fails.</param>
    public bool TryTranslate(Cpu cpu, uint vaddr, bool write, bool user, out ulong paddr, out uint errorCode)
    {
        if (!cpu.Online)
            throw new InvalidOperationException($"CPU {cpu.Id} is not running");
        if (cpu.Tlb.TryLookup(vaddr, out Tlb.Entry e, out ulong frame))
        {
            uint err = Check(e.Writable, e.User, write, user);
            if (err == 0 && (!write || e.Dirty))
            {
                paddr = frame | (vaddr & 0xFFF);
                errorCode = 0;
                return true;
            }
            if (err != 0)
            {
                // The hardware faults on what the TLB says; it does not re-read the tables first.
                paddr = 0;
                errorCode = err;
                return false;
            }
            // A write through a clean entry: walk again so the D bit reaches memory.
        }
        return Walk(cpu, vaddr, write, user, out paddr, out errorCode);
    }

    private static uint Check(bool writable, bool userOk, bool write, bool user)
    {
        uint code = (write ? PageFaultException.WriteBit : 0) | (user ? PageFaultException.UserBit : 0);
        if (user && !userOk)
            return code | PageFaultException.ProtectionBit;
        if (write && !writable)
            return code | PageFaultException.ProtectionBit;
        return 0;
    }

    private static uint NotPresent(bool write, bool user) =>
        (write ? PageFaultException.WriteBit : 0) | (user ? PageFaultException.UserBit : 0);

    private bool Walk(Cpu cpu, uint vaddr, bool write, bool user, out ulong paddr, out uint errorCode)
    {
        Walks++;
        return (cpu.Cr4 & Cpu.Cr4Pae) != 0
            ? WalkPae(cpu, vaddr, write, user, out paddr, out errorCode)
            : WalkTwoLevel(cpu, vaddr, write, user, out paddr, out errorCode);
    }

    private bool WalkTwoLevel(Cpu cpu, uint vaddr, bool write, bool user, out ulong paddr, out uint errorCode)
    {
        paddr = 0;
        ulong pdeAddr = (cpu.Cr3 & 0xFFFFF000) + (vaddr >> 22) * 4;
        uint pde = _phys.ReadU32(pdeAddr);
        if ((pde & PageBits.Present) == 0)
        {
            errorCode = NotPresent(write, user);
            return false;
        }
        bool pge = (cpu.Cr4 & Cpu.Cr4Pge) != 0;
        if ((pde & PageBits.Pse) != 0 && (cpu.Cr4 & Cpu.Cr4Pse) != 0)
        {
            bool w = (pde & PageBits.Rw) != 0, u = (pde & PageBits.User) != 0;
            errorCode = Check(w, u, write, user);
            if (errorCode != 0)
                return false;
            pde = SetAccessedDirty32(pdeAddr, pde, write);
            var large = new Tlb.Entry(pde & 0xFFC00000, w, u, (pde & PageBits.Dirty) != 0, pge && (pde & PageBits.Global) != 0, true);
            cpu.Tlb.Insert(vaddr, large, 22);
            paddr = large.Frame + (vaddr & 0x003FFFFF);
            return true;
        }
        ulong pteAddr = (pde & 0xFFFFF000) + ((vaddr >> 12) & 1023) * 4;
        uint pte = _phys.ReadU32(pteAddr);
        if ((pte & PageBits.Present) == 0)
        {
            errorCode = NotPresent(write, user);
            return false;
        }
        bool writable = (pde & pte & PageBits.Rw) != 0, userOk = (pde & pte & PageBits.User) != 0;
        errorCode = Check(writable, userOk, write, user);
        if (errorCode != 0)
            return false;
        SetAccessedDirty32(pdeAddr, pde, false);
        pte = SetAccessedDirty32(pteAddr, pte, write);
        var entry = new Tlb.Entry(pte & 0xFFFFF000, writable, userOk, (pte & PageBits.Dirty) != 0, pge && (pte & PageBits.Global) != 0, false);
        cpu.Tlb.Insert(vaddr, entry, 22);
        paddr = entry.Frame | (vaddr & 0xFFF);
        return true;
    }

    private bool WalkPae(Cpu cpu, uint vaddr, bool write, bool user, out ulong paddr, out uint errorCode)
    {
        paddr = 0;
        const ulong AddrMask = 0x0000000FFFFFF000; // 36-bit physical addresses
        ulong pdpte = cpu.Pdpte((int)(vaddr >> 30));
        if ((pdpte & PageBits.Present) == 0)
        {
            errorCode = NotPresent(write, user);
            return false;
        }
        ulong pdeAddr = (pdpte & AddrMask) + ((vaddr >> 21) & 511) * 8;
        ulong pde = _phys.ReadU64(pdeAddr);
        if ((pde & PageBits.Present) == 0)
        {
            errorCode = NotPresent(write, user);
            return false;
        }
        bool pge = (cpu.Cr4 & Cpu.Cr4Pge) != 0;
        if ((pde & PageBits.Pse) != 0)
        {
            bool w = (pde & PageBits.Rw) != 0, u = (pde & PageBits.User) != 0;
            errorCode = Check(w, u, write, user);
            if (errorCode != 0)
                return false;
            uint low = SetAccessedDirty32(pdeAddr, (uint)pde, write);
            var large = new Tlb.Entry(pde & 0x0000000FFFE00000, w, u, (low & PageBits.Dirty) != 0, pge && (low & PageBits.Global) != 0, true);
            cpu.Tlb.Insert(vaddr, large, 21);
            paddr = large.Frame + (vaddr & 0x001FFFFF);
            return true;
        }
        ulong pteAddr = (pde & AddrMask) + ((vaddr >> 12) & 511) * 8;
        ulong pte = _phys.ReadU64(pteAddr);
        if ((pte & PageBits.Present) == 0)
        {
            errorCode = NotPresent(write, user);
            return false;
        }
        bool writable = (pde & pte & PageBits.Rw) != 0, userOk = (pde & pte & PageBits.User) != 0;
        errorCode = Check(writable, userOk, write, user);
        if (errorCode != 0)
            return false;
        SetAccessedDirty32(pdeAddr, (uint)pde, false);
        uint pteLow = SetAccessedDirty32(pteAddr, (uint)pte, write);
        var entry = new Tlb.Entry(pte & AddrMask, writable, userOk, (pteLow & PageBits.Dirty) != 0, pge && (pteLow & PageBits.Global) != 0, false);
        cpu.Tlb.Insert(vaddr, entry, 21);
        paddr = entry.Frame | (vaddr & 0xFFF);
        return true;
    }

    // The CPU updates A (and D on a write) with a locked write of the entry's low word, and only
    // when a bit actually changes. The flags are always in the low word, so PAE needs nothing more.
    private uint SetAccessedDirty32(ulong entryAddr, uint low, bool write)
    {
        uint updated = low | PageBits.Accessed | (write ? PageBits.Dirty : 0);
        if (updated != low)
            _phys.WriteU32(entryAddr, updated);
        return updated;
    }

    /// <summary>Reads bytes at a linear address, page by page, as the CPU would.</summary>
    /// <param name="cpu">The CPU.</param>
    /// <param name="vaddr">First address.</param>
    /// <param name="destination">Where the bytes go.</param>
    /// <param name="user">True for a user-mode access.</param>
    public void Read(Cpu cpu, uint vaddr, Span<byte> destination, bool user = false)
    {
        while (destination.Length > 0)
        {
            int n = (int)Math.Min(0x1000 - (vaddr & 0xFFF), (uint)destination.Length);
            _phys.Read(Translate(ref cpu, vaddr, false, user), destination[..n]);
            destination = destination[n..];
            vaddr += (uint)n;
        }
    }

    /// <summary>Writes bytes at a linear address, page by page, as the CPU would.</summary>
    /// <param name="cpu">The CPU.</param>
    /// <param name="vaddr">First address.</param>
    /// <param name="source">The bytes.</param>
    /// <param name="user">True for a user-mode access.</param>
    public void Write(Cpu cpu, uint vaddr, ReadOnlySpan<byte> source, bool user = false)
    {
        while (source.Length > 0)
        {
            int n = (int)Math.Min(0x1000 - (vaddr & 0xFFF), (uint)source.Length);
            _phys.Write(Translate(ref cpu, vaddr, true, user), source[..n]);
            source = source[n..];
            vaddr += (uint)n;
        }
    }

    /// <summary>Loads an aligned 32-bit word.</summary>
    /// <param name="cpu">The CPU.</param>
    /// <param name="vaddr">A 4-byte aligned address.</param>
    /// <param name="user">True for a user-mode access.</param>
    public uint ReadU32(Cpu cpu, uint vaddr, bool user = false) => _phys.ReadU32(Translate(cpu, vaddr, false, user));

    /// <summary>Stores an aligned 32-bit word.</summary>
    /// <param name="cpu">The CPU.</param>
    /// <param name="vaddr">A 4-byte aligned address.</param>
    /// <param name="value">The word.</param>
    /// <param name="user">True for a user-mode access.</param>
    public void WriteU32(Cpu cpu, uint vaddr, uint value, bool user = false) => _phys.WriteU32(Translate(cpu, vaddr, true, user), value);

    /// <summary>Loads one byte.</summary>
    /// <param name="cpu">The CPU.</param>
    /// <param name="vaddr">The address.</param>
    /// <param name="user">True for a user-mode access.</param>
    public byte ReadByte(Cpu cpu, uint vaddr, bool user = false) => _phys.ReadByte(Translate(cpu, vaddr, false, user));

    /// <summary>Stores one byte.</summary>
    /// <param name="cpu">The CPU.</param>
    /// <param name="vaddr">The address.</param>
    /// <param name="value">The byte.</param>
    /// <param name="user">True for a user-mode access.</param>
    public void WriteByte(Cpu cpu, uint vaddr, byte value, bool user = false) => _phys.WriteByte(Translate(cpu, vaddr, true, user), value);
}
