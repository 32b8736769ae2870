using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using OpenTelemetry;

namespace Messaging.Tracing.Benchmarks.Throughput;

/// <summary>
/// An in-memory exporter for the batch processor (OpenTelemetry's InMemory exporter does not restore on the build machines):
/// it walks every exported span's name and attributes, as a serializer would, and keeps counts, not the spans.
/// </summary>
public sealed class CountingExporter : BaseExporter<Activity>
{
    private long _spans;
    private long _attributes;
    private long _nameCharacters;

    /// <summary>Gets the number of spans exported.</summary>
    public long Spans => Interlocked.Read(ref _spans);

    /// <summary>Gets the number of attributes the exported spans held.</summary>
    public long Attributes => Interlocked.Read(ref _attributes);

    /// <summary>Gets the total length of the exported spans' names (read as a serializer would).</summary>
    public long NameCharacters => Interlocked.Read(ref _nameCharacters);

    /// <inheritdoc/>
    public override ExportResult Export(in Batch<Activity> batch)
    {
        long spans = 0;
        long attributes = 0;
        long nameCharacters = 0;
        foreach (Activity activity in batch)
        {
            spans++;
            nameCharacters += activity.DisplayName.Length;
            foreach (KeyValuePair<string, object?> _ in activity.EnumerateTagObjects())
            {
                attributes++;
            }
        }

        Interlocked.Add(ref _spans, spans);
        Interlocked.Add(ref _attributes, attributes);
        Interlocked.Add(ref _nameCharacters, nameCharacters);
        return ExportResult.Success;
    }
}
