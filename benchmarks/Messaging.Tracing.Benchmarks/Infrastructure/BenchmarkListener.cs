using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace Messaging.Tracing.Benchmarks.Infrastructure;

/// <summary>
/// An <see cref="ActivityListener"/> on chosen sources, sampling as a <see cref="ListenerState"/> says. It does nothing when a
/// span stops, so a case measures the instrumentation, not an exporter (the throughput harness exports).
/// </summary>
public sealed class BenchmarkListener : IDisposable
{
    private readonly ActivityListener? _listener;

    private BenchmarkListener(ActivityListener? listener) => _listener = listener;

    /// <summary>Starts listening to <paramref name="sourceNames"/>; nothing for <see cref="ListenerState.NoListener"/>.</summary>
    /// <param name="state">How spans are sampled.</param>
    /// <param name="sourceNames">The activity sources listened to.</param>
    /// <returns>The listener; dispose it to stop listening.</returns>
    public static BenchmarkListener Start(ListenerState state, params string[] sourceNames)
    {
        if (state == ListenerState.NoListener)
        {
            return new BenchmarkListener(null);
        }

        var names = new HashSet<string>(sourceNames, StringComparer.Ordinal);
        ActivitySamplingResult result = state == ListenerState.Sampled ? ActivitySamplingResult.AllDataAndRecorded : ActivitySamplingResult.PropagationData;
        var listener = new ActivityListener
        {
            ShouldListenTo = source => names.Contains(source.Name),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => result,
            SampleUsingParentId = (ref ActivityCreationOptions<string> _) => result,
        };
        ActivitySource.AddActivityListener(listener);
        return new BenchmarkListener(listener);
    }

    /// <inheritdoc/>
    public void Dispose() => _listener?.Dispose();
}
