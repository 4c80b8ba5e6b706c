using System.Text.Json;

namespace LinuxVm.DocGen.Graph;

/// <summary>
/// Writes the call graph as the public <c>callgraph.json</c>: one entry per ported function keyed
/// by its kernel name, with the ported functions it calls (an indirect call carries
/// <c>"indirect": true</c>).
/// </summary>
public static class CallGraphJson
{
    /// <summary>The JSON text of <paramref name="graph"/>.</summary>
    public static string Write(CallGraph graph)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartArray("functions");
            foreach (var n in graph.Nodes)
            {
                w.WriteStartObject();
                w.WriteString("kernel", n.Kernel.Name);
                w.WriteString("file", n.Kernel.File);
                w.WriteString("csharp", n.DocId);
                w.WriteString("source", n.SourceFile);
                w.WriteNumber("line", n.Line);
                w.WriteStartArray("calls");
                // Two implementations of one name (2-level and PAE page tables) are one kernel callee.
                var written = new HashSet<string>(StringComparer.Ordinal);
                foreach (var e in n.Callees)
                {
                    if (!written.Add(e.Target.Kernel.Key))
                        continue;
                    w.WriteStartObject();
                    w.WriteString("kernel", e.Target.Kernel.Name);
                    w.WriteString("file", e.Target.Kernel.File);
                    if (e.Indirect)
                        w.WriteBoolean("indirect", true);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray()).Replace("\r\n", "\n") + "\n";
    }
}
