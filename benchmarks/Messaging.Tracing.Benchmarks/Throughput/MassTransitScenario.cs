using System;
using System.Threading;
using System.Threading.Tasks;
using MassTransit;
using Messaging.Tracing.Benchmarks.Infrastructure;

namespace Messaging.Tracing.Benchmarks.Throughput;

/// <summary>
/// MassTransit 8 on its in-memory transport: publish to one receive endpoint, one handler. Off: a plain bus; traced: the
/// same bus with <c>UseMessagingTracing</c> (MassTransit's own source is not listened, so this library's spans are the
/// story).
/// </summary>
public sealed class MassTransitScenario : IThroughputScenario
{
    private static readonly TimeSpan BusTimeout = TimeSpan.FromSeconds(30);

    private int _endpoints;

    /// <summary>Initializes a new instance of the <see cref="MassTransitScenario"/> class.</summary>
    /// <param name="messages">Messages per measured run.</param>
    public MassTransitScenario(int messages) => Messages = messages;

    /// <inheritdoc/>
    public string Name => "MassTransit 8.4 (in-memory transport)";

    /// <inheritdoc/>
    public int Messages { get; }

    /// <inheritdoc/>
    public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public async Task<RunResult> RunAsync(ThroughputMode mode, TracingSession session, int messages, CancellationToken cancellationToken)
    {
        var meter = new RunMeter(messages);
        string endpoint = $"throughput-{Interlocked.Increment(ref _endpoints)}";
        IBusControl bus = Bus.Factory.CreateUsingInMemory(cfg =>
        {
            if (mode != ThroughputMode.Off)
            {
                cfg.UseMessagingTracing(MessagingTracer.Default);
            }

            cfg.ReceiveEndpoint(endpoint, e => e.Handler<OrderPlaced>(_ =>
            {
                meter.Handled();
                return Task.CompletedTask;
            }));
        });
        using (var start = new CancellationTokenSource(BusTimeout))
        {
            await bus.StartAsync(start.Token);
        }

        try
        {
            meter.Start(session);
            for (int i = 0; i < messages; i++)
            {
                await bus.Publish(new OrderPlaced(i), cancellationToken);
            }

            await meter.AllHandled.WaitAsync(cancellationToken);
            return meter.Stop(session);
        }
        finally
        {
            using var stop = new CancellationTokenSource(BusTimeout);
            await bus.StopAsync(stop.Token);
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
