using System.Reflection;
using LinuxVm.Mm;

namespace LinuxVm.Figures.Diagrams;

/// <summary>
/// Reads a field of a ported structure by its kernel name, through the member's
/// <c>[Linux]</c> attribute, so a diagram's rows are named as the C names them and cannot name a
/// field the port does not have: asking for one throws, and the figure fails the site build.
/// </summary>
public static class Fields
{
    /// <summary>
    /// The member of <paramref name="type"/> whose <c>[Linux]</c> name is
    /// <c>&lt;struct&gt;.<paramref name="field"/></c> (for example <c>zone_t.pages_low</c> for
    /// <c>pages_low</c>).
    /// </summary>
    /// <param name="type">A ported structure type.</param>
    /// <param name="field">The C field name, without the structure's name.</param>
    /// <returns>The member and its full kernel name.</returns>
    /// <exception cref="InvalidOperationException">No member, or more than one, carries that name.</exception>
    public static (MemberInfo Member, string KernelName) Find(Type type, string field)
    {
        var hits = type.GetMembers(BindingFlags.Public | BindingFlags.Instance)
            .Where(m => m is PropertyInfo or FieldInfo)
            .SelectMany(m => m.GetCustomAttributes<LinuxAttribute>().Select(a => (Member: m, KernelName: a.Name)))
            .Where(h => h.KernelName.EndsWith("." + field, StringComparison.Ordinal))
            .ToList();
        return hits.Count switch
        {
            1 => hits[0],
            0 => throw new InvalidOperationException($"{type.Name} has no [Linux] member for the C field '{field}'"),
            _ => throw new InvalidOperationException($"{type.Name} has {hits.Count} [Linux] members for the C field '{field}'"),
        };
    }

    /// <summary>The value of the C field <paramref name="field"/> of <paramref name="obj"/>.</summary>
    /// <param name="obj">An instance of a ported structure.</param>
    /// <param name="field">The C field name, without the structure's name.</param>
    /// <returns>The field's value (null when the field is null).</returns>
    public static object? Get(object obj, string field)
    {
        var (member, _) = Find(obj.GetType(), field);
        return member switch
        {
            PropertyInfo p => p.GetValue(obj),
            FieldInfo f => f.GetValue(obj),
            _ => throw new InvalidOperationException($"{member.Name} is neither a field nor a property"),
        };
    }

    /// <summary>The full kernel name (<c>struct.field</c>) of the C field <paramref name="field"/> of <paramref name="type"/>.</summary>
    /// <param name="type">A ported structure type.</param>
    /// <param name="field">The C field name.</param>
    /// <returns>For example <c>zone_t.free_pages</c>.</returns>
    public static string KernelName(Type type, string field) => Find(type, field).KernelName;
}
