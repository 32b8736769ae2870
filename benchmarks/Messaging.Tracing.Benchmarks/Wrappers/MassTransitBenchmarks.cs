using System;
using System.Threading;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using MassTransit;
using Messaging.Tracing.Benchmarks.Infrastructure;
using Messaging.Tracing.MassTransit;
using Messaging.Tracing.Spans;

namespace Messaging.Tracing.Benchmarks.Wrappers;

/// <summary>
/// MassTransit publishes on the in-memory transport, awaited until their consumer has run, traced in each
/// <see cref="MassTransitTracing"/> way: this library's filters against MassTransit's built-in instrumentation against none.
/// An invocation publishes <see cref="Batch"/> messages one after the other and waits for the last one to be consumed, so
/// the thread hand-offs of a single message do not dominate; results are per message.
/// </summary>
/// <remarks>Ratios between the modes are computed from the medians in docs/benchmarks.md (BenchmarkDotNet's Ratio column
/// compares methods, and here the mode is a parameter, because listeners are process-wide).</remarks>
[MemoryDiagnoser]
public class MassTransitBenchmarks
{
    /// <summary>Messages per invocation.</summary>
    public const int Batch = 64;

    private const string Endpoint = "benchmark-orders";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly OrderPlaced _message = new(1);
    private BenchmarkListener? _listener;
    private IBusControl _bus = null!;
    private TaskCompletionSource? _pending;
    private int _remaining;

    /// <summary>Gets or sets how the bus is traced.</summary>
    [ParamsAllValues]
    public MassTransitTracing Tracing { get; set; }

    [GlobalSetup]
    public void GlobalSetup()
    {
        _listener = Tracing switch
        {
            MassTransitTracing.Off => BenchmarkListener.Start(ListenerState.NoListener),
            MassTransitTracing.MassTransitBuiltIn => BenchmarkListener.Start(ListenerState.Sampled, MassTransitAttributes.MassTransitSourceName),
            MassTransitTracing.MessagingTracingSampled => BenchmarkListener.Start(ListenerState.Sampled, MessagingActivitySource.Name),
            MassTransitTracing.MessagingTracingUnsampled => BenchmarkListener.Start(ListenerState.Unsampled, MessagingActivitySource.Name),
            MassTransitTracing.MessagingTracingNoListener => BenchmarkListener.Start(ListenerState.NoListener),
            _ => BenchmarkListener.Start(ListenerState.Sampled, MessagingActivitySource.Name, MassTransitAttributes.MassTransitSourceName),
        };
        bool traced = Tracing is not (MassTransitTracing.Off or MassTransitTracing.MassTransitBuiltIn);
        _bus = Bus.Factory.CreateUsingInMemory(cfg =>
        {
            if (traced)
            {
                cfg.UseMessagingTracing(MessagingTracer.Default);
            }

            cfg.ReceiveEndpoint(Endpoint, endpoint => endpoint.Handler<OrderPlaced>(_ =>
            {
                if (Interlocked.Decrement(ref _remaining) == 0)
                {
                    Volatile.Read(ref _pending)?.TrySetResult();
                }

                return Task.CompletedTask;
            }));
        });
        using var cancel = new CancellationTokenSource(StartTimeout);
        _bus.StartAsync(cancel.Token).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void GlobalCleanup()
    {
        using var cancel = new CancellationTokenSource(StartTimeout);
        _bus.StopAsync(cancel.Token).GetAwaiter().GetResult();
        _listener?.Dispose();
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public async Task Publish_and_consume()
    {
        var pending = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _pending, pending);
        Volatile.Write(ref _remaining, Batch);
        for (int i = 0; i < Batch; i++)
        {
            await _bus.Publish(_message);
        }

        await pending.Task;
    }
}
