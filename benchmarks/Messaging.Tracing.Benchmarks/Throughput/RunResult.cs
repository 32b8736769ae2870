using System;

namespace Messaging.Tracing.Benchmarks.Throughput;

/// <summary>What one throughput run measured.</summary>
/// <param name="Messages">Messages sent and consumed.</param>
/// <param name="Elapsed">From the first send until the last message was handled (and, when traced, its spans exported).</param>
/// <param name="AllocatedBytes">Bytes allocated by the whole process during the run.</param>
/// <param name="WithContext">Messages whose handler ran with an <c>Activity.Current</c> of the producer's trace.</param>
/// <param name="ExportedSpans">Spans the exporter received.</param>
public readonly record struct RunResult(int Messages, TimeSpan Elapsed, long AllocatedBytes, int WithContext, long ExportedSpans)
{
    /// <summary>Gets the throughput in messages per second.</summary>
    public double MessagesPerSecond => Messages / Elapsed.TotalSeconds;

    /// <summary>Gets the bytes allocated per message.</summary>
    public double BytesPerMessage => (double)AllocatedBytes / Messages;
}
