using System.Globalization;
using System.Reflection;
using System.Text;
using LinuxVm.Arch.X86;
using LinuxVm.Mm;

namespace LinuxVm.Figures;

/// <summary>Figures about the port as a whole, read from its <see cref="LinuxAttribute"/>s by reflection.</summary>
public static class PortFigures
{
    /// <summary>
    /// The kernel files the port carries identifiers from, with how many functions, data structures
    /// and fields, and constants and variables each contributes: a progress table that is never stale.
    /// </summary>
    public static string PortedFiles()
    {
        var rows = new SortedDictionary<string, int[]>(StringComparer.Ordinal);
        foreach (var assembly in new[] { typeof(Kernel).Assembly, typeof(I386).Assembly })
        {
            foreach (var type in assembly.GetTypes())
            {
                Count(type, rows);
                foreach (var member in type.GetMembers(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
                    Count(member, rows);
            }
        }
        var sb = new StringBuilder();
        sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{"kernel file",-34} {"functions",9} {"types+fields",12} {"other",6}"));
        int[] total = new int[3];
        foreach (var (file, n) in rows)
        {
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{file,-34} {n[0],9} {n[1],12} {n[2],6}"));
            for (int i = 0; i < 3; i++)
                total[i] += n[i];
        }
        sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{"total (" + rows.Count + " files)",-34} {total[0],9} {total[1],12} {total[2],6}"));
        return sb.ToString();
    }

    private static void Count(MemberInfo member, SortedDictionary<string, int[]> rows)
    {
        foreach (var a in member.GetCustomAttributes<LinuxAttribute>(inherit: false))
        {
            if (!rows.TryGetValue(a.File, out var n))
                rows[a.File] = n = new int[3];
            int column = member is MethodBase ? 0
                : member is Type || a.Name.Contains('.', StringComparison.Ordinal) || a.Name.StartsWith("struct ", StringComparison.Ordinal) ? 1
                : 2;
            n[column]++;
        }
    }
}
