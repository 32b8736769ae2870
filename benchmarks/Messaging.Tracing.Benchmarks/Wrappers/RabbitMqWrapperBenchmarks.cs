using System;
using System.Collections.Generic;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Messaging.Tracing.Benchmarks.Infrastructure;
using Messaging.Tracing.Spans;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Messaging.Tracing.Benchmarks.Wrappers;

/// <summary>
/// Per-message cost of the RabbitMQ.Client helpers against the bare client call: <c>BasicPublishTracedAsync</c>
/// (properties and header-table copy, publish span, inject) against <c>BasicPublishAsync</c> on a channel that does no
/// I/O (<see cref="NullChannel"/>), and <c>ProcessTracedAsync</c> (extract, process scope) against calling the handler.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public class RabbitMqWrapperBenchmarks
{
    private const string Exchange = "orders";
    private const string RoutingKey = "order.created";
    private const string Queue = "billing";
    private const int PayloadSize = 128;

    private static readonly Func<BasicDeliverEventArgs, CancellationToken, Task> Handler = static (_, _) => Task.CompletedTask;

    private readonly NullChannel _channel = new();
    private readonly ReadOnlyMemory<byte> _body = new byte[PayloadSize];
    private BenchmarkListener? _listener;
    private BasicProperties _properties = null!;
    private BasicDeliverEventArgs _delivery = null!;

    /// <summary>Gets or sets who listens to the spans.</summary>
    [ParamsAllValues]
    public ListenerState Listener { get; set; }

    [GlobalSetup]
    public void GlobalSetup()
    {
        _listener = BenchmarkListener.Start(Listener, MessagingActivitySource.Name);
        _properties = new BasicProperties
        {
            MessageId = "order-1",
            ContentType = SampleContext.ApplicationHeaderValue,
            Headers = new Dictionary<string, object?> { ["tenant"] = Encoding.UTF8.GetBytes("acme") },
        };
        var received = new BasicProperties
        {
            MessageId = "order-1",
            ContentType = SampleContext.ApplicationHeaderValue,
            Headers = new Dictionary<string, object?>
            {
                ["tenant"] = Encoding.UTF8.GetBytes("acme"),
                ["traceparent"] = Encoding.ASCII.GetBytes(SampleContext.TraceParent),
            },
        };
        _delivery = new BasicDeliverEventArgs("consumer-1", 42, redelivered: false, Exchange, RoutingKey, received, _body, CancellationToken.None);
    }

    [GlobalCleanup]
    public void GlobalCleanup() => _listener?.Dispose();

    [Benchmark(Baseline = true)]
    [BenchmarkCategory(WrapperCategories.Produce)]
    public ValueTask Bare_Publish() => _channel.BasicPublishAsync(Exchange, RoutingKey, mandatory: false, _properties, _body);

    [Benchmark]
    [BenchmarkCategory(WrapperCategories.Produce)]
    public ValueTask Traced_Publish() => _channel.BasicPublishTracedAsync(MessagingTracer.Default, Exchange, RoutingKey, mandatory: false, _properties, _body);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory(WrapperCategories.Consume)]
    public Task Bare_Process() => Handler(_delivery, CancellationToken.None);

    [Benchmark]
    [BenchmarkCategory(WrapperCategories.Consume)]
    public Task Traced_Process() => _delivery.ProcessTracedAsync(MessagingTracer.Default, Queue, Handler);
}
