using System;
using System.Threading;
using System.Threading.Tasks;

namespace Messaging.Tracing.Benchmarks.Throughput;

/// <summary>
/// One transport in the throughput harness: sends messages end to end through a real broker (or the transport's in-process
/// one) and handles them, plainly or through Messaging.Tracing. A new transport is one more implementation listed in
/// <see cref="ThroughputHarness"/>.
/// </summary>
public interface IThroughputScenario : IAsyncDisposable
{
    /// <summary>Gets the transport's name in the results.</summary>
    string Name { get; }

    /// <summary>Gets the number of messages a measured run sends.</summary>
    int Messages { get; }

    /// <summary>Connects to the broker; called once before the runs.</summary>
    /// <param name="cancellationToken">Cancels the setup.</param>
    /// <returns>A task that completes when the scenario can run.</returns>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Sends <paramref name="messages"/> messages and waits until all were handled. Setup (queues, topics, clients) happens
    /// before <see cref="RunMeter.Start"/>; the measured window runs from the first send until the last message was handled
    /// and the session flushed.
    /// </summary>
    /// <param name="mode">How the run is traced.</param>
    /// <param name="session">The run's tracer provider.</param>
    /// <param name="messages">How many messages.</param>
    /// <param name="cancellationToken">Cancels the run (the harness bounds it).</param>
    /// <returns>The measurement.</returns>
    Task<RunResult> RunAsync(ThroughputMode mode, TracingSession session, int messages, CancellationToken cancellationToken);
}
