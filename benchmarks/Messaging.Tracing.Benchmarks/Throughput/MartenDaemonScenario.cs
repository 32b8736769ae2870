using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using JasperFx.Events.Daemon;
using Marten;
using Marten.Subscriptions;
using Messaging.Tracing.Benchmarks.Infrastructure;
using Messaging.Tracing.Benchmarks.Marten;

namespace Messaging.Tracing.Benchmarks.Throughput;

/// <summary>
/// Marten's async daemon on the local PostgreSQL (<c>POSTGRES_CONNECTION</c>, default the server of <c>eng/brokers.sh</c>):
/// before the clock starts, a new store in a schema of its own and the run's events appended, <see cref="EventsPerStream"/>
/// to a stream, one save per stream; measured, from <c>StartAllAsync</c> until the subscription has handled every event.
/// Off: a store without Messaging.Tracing and a plain <see cref="SubscriptionBase"/>; traced: <c>UseMessagingTracing</c>
/// (so the events carry their append's context) and a <c>TracedSubscription</c> doing the same work in a process span per
/// event. The schema is dropped after the run.
/// </summary>
public sealed class MartenDaemonScenario : IThroughputScenario
{
    private const int EventsPerStream = 100;

    /// <summary>Initializes a new instance of the <see cref="MartenDaemonScenario"/> class.</summary>
    /// <param name="messages">Events per measured run.</param>
    public MartenDaemonScenario(int messages) => Messages = messages;

    /// <inheritdoc/>
    public string Name => "Marten async daemon (subscription, Marten 9.62, local PostgreSQL)";

    /// <inheritdoc/>
    public int Messages { get; }

    /// <inheritdoc/>
    public Task InitializeAsync(CancellationToken cancellationToken)
    {
        BenchmarkPostgres.EnsureLocal();
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async Task<RunResult> RunAsync(ThroughputMode mode, TracingSession session, int messages, CancellationToken cancellationToken)
    {
        bool traced = mode != ThroughputMode.Off;
        var meter = new RunMeter(messages);
        SubscriptionBase subscription = traced ? new TracedCountingSubscription(meter) : new CountingSubscription(meter);
        DocumentStore store = await BenchmarkPostgres.CreateStoreAsync(options =>
        {
            if (traced)
            {
                options.UseMessagingTracing(MessagingTracer.Default);
            }

            options.Events.Subscribe(subscription);
        });
        try
        {
            await AppendAsync(store, messages, cancellationToken);
            using IProjectionDaemon daemon = await store.BuildProjectionDaemonAsync();
            meter.Start(session);
            await daemon.StartAllAsync();
            await meter.AllHandled.WaitAsync(cancellationToken);
            RunResult result = meter.Stop(session);
            await daemon.StopAllAsync();
            return result;
        }
        finally
        {
            await BenchmarkPostgres.DisposeAsync(store);
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static async Task AppendAsync(DocumentStore store, int events, CancellationToken cancellationToken)
    {
        for (int first = 0; first < events; first += EventsPerStream)
        {
            object[] stream = Enumerable.Range(first, Math.Min(EventsPerStream, events - first)).Select(i => (object)new OrderPlaced(i)).ToArray();
            await using IDocumentSession session = store.LightweightSession();
            session.Events.StartStream<Order>(Guid.NewGuid(), stream);
            await session.SaveChangesAsync(cancellationToken);
        }
    }
}
