using System;
using System.Diagnostics;
using System.Threading;

namespace Messaging.Tracing.Marten.Tests;

/// <summary>
/// Listens to Marten's own <c>"Marten"</c> source, which makes the daemon's page span (<c>marten.{name}.{shard}.execution</c>)
/// current while a page runs — the span a live process span must set aside — and counts those page spans. They are traces
/// of their own, left out of the test's <c>SpanCollector</c>.
/// </summary>
internal sealed class MartenPageSpans : IDisposable
{
    private readonly ActivityListener _listener;
    private int _started;

    public MartenPageSpans()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Marten",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStarted = span =>
            {
                if (span.OperationName.EndsWith(".execution", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref _started);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>How many page spans the daemon started.</summary>
    public int Started => Volatile.Read(ref _started);

    public void Dispose() => _listener.Dispose();
}
