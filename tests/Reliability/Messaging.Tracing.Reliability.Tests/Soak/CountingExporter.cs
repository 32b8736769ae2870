using System.Diagnostics;
using System.Threading;
using OpenTelemetry;

namespace Messaging.Tracing.Reliability.Tests.Soak;

/// <summary>An exporter that only counts what the batch processor hands it (OpenTelemetry.Exporter.InMemory does not restore here, and keeping 300,000 spans would hide a leak).</summary>
public sealed class CountingExporter : BaseExporter<Activity>
{
    private long _exported;

    /// <summary>Gets the number of spans exported so far.</summary>
    public long Exported => Interlocked.Read(ref _exported);

    /// <inheritdoc/>
    public override ExportResult Export(in Batch<Activity> batch)
    {
        Interlocked.Add(ref _exported, batch.Count);
        return ExportResult.Success;
    }
}
