using System.Diagnostics;
using System.Threading;
using OpenTelemetry;

namespace Messaging.Tracing.Benchmarks.Throughput;

/// <summary>
/// Counts the recorded spans that have started and not yet ended. A handler counts its message as handled while its process
/// span is still open, so the end of a run waits for this count to reach zero before the last export: every span of the
/// run is exported in the run, none in the next.
/// </summary>
public sealed class OpenSpanCounter : BaseProcessor<Activity>
{
    private int _open;

    /// <summary>Gets the number of spans started and not yet ended.</summary>
    public int Open => Volatile.Read(ref _open);

    /// <inheritdoc/>
    public override void OnStart(Activity data) => Interlocked.Increment(ref _open);

    /// <inheritdoc/>
    public override void OnEnd(Activity data) => Interlocked.Decrement(ref _open);
}
