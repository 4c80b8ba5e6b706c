using System.Diagnostics;
using LinuxVm.Arch.X86;

namespace LinuxVm.Mm.Tests.Arch;

public class BootPerf
{
    [Fact(Skip = "benchmark: run by hand with -c Release")]
    public void Measure()
    {
        foreach (bool pae in new[] { false, true })
        {
            Machine.Boot(new MachineConfig { RamBytes = 64UL << 20, Pae = pae });
            GC.Collect();
            long before = GC.GetTotalMemory(true);
            var sw = Stopwatch.StartNew();
            var m = Machine.Boot(new MachineConfig { RamBytes = 4UL << 30, Pae = pae });
            sw.Stop();
            long after = GC.GetTotalMemory(true);
            Console.WriteLine($"4G pae={pae}: {sw.ElapsedMilliseconds} ms, {(after - before) >> 20} MiB, touched {m.Kernel.Phys.TouchedFrames}");
            GC.KeepAlive(m);
        }
    }
}
