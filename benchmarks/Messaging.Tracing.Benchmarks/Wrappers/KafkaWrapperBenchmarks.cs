using System;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Confluent.Kafka;
using Messaging.Tracing.Benchmarks.Infrastructure;
using Messaging.Tracing.Kafka;
using Messaging.Tracing.Spans;

namespace Messaging.Tracing.Benchmarks.Wrappers;

/// <summary>
/// Per-message cost of the Kafka wrappers against the bare client call: <see cref="TracedProducer{TKey, TValue}.Produce(string, Message{TKey, TValue}, Action{DeliveryReport{TKey, TValue}})"/>
/// (message copy, send span, inject, delivery-report hook) and <see cref="TracedConsumer{TKey, TValue}.ProcessAsync"/>
/// (extract, process scope), each around a client that does no I/O (<see cref="NullProducer{TKey, TValue}"/>,
/// <see cref="NullConsumer{TKey, TValue}"/>), so the difference to the bare call is the wrapper's own work.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public class KafkaWrapperBenchmarks
{
    private const string Topic = "orders";
    private const int PayloadSize = 128;

    private static readonly Action<DeliveryReport<string, byte[]>> OnDelivered = static _ => { };
    private static readonly Func<ConsumeResult<string, byte[]>, CancellationToken, Task> Handler = static (_, _) => Task.CompletedTask;

    private readonly NullProducer<string, byte[]> _bareProducer = new();
    private readonly TracedProducer<string, byte[]> _tracedProducer = new(new NullProducer<string, byte[]>(), MessagingTracer.Default);
    private readonly TracedConsumer<string, byte[]> _tracedConsumer = new(new NullConsumer<string, byte[]>(), MessagingTracer.Default, new KafkaTracingOptions { ConsumerGroupName = "billing" });
    private BenchmarkListener? _listener;
    private Message<string, byte[]> _message = null!;
    private ConsumeResult<string, byte[]> _received = null!;

    /// <summary>Gets or sets who listens to the spans.</summary>
    [ParamsAllValues]
    public ListenerState Listener { get; set; }

    [GlobalSetup]
    public void GlobalSetup()
    {
        _listener = BenchmarkListener.Start(Listener, MessagingActivitySource.Name);
        byte[] payload = new byte[PayloadSize];
        _message = new Message<string, byte[]>
        {
            Key = "order-1",
            Value = payload,
            Headers = new Headers { { SampleContext.ApplicationHeader, Encoding.UTF8.GetBytes(SampleContext.ApplicationHeaderValue) } },
        };
        _received = new ConsumeResult<string, byte[]>
        {
            TopicPartitionOffset = new TopicPartitionOffset(Topic, 0, 42),
            Message = new Message<string, byte[]>
            {
                Key = "order-1",
                Value = payload,
                Headers = new Headers
                {
                    { SampleContext.ApplicationHeader, Encoding.UTF8.GetBytes(SampleContext.ApplicationHeaderValue) },
                    { "traceparent", Encoding.ASCII.GetBytes(SampleContext.TraceParent) },
                },
            },
        };
    }

    [GlobalCleanup]
    public void GlobalCleanup() => _listener?.Dispose();

    [Benchmark(Baseline = true)]
    [BenchmarkCategory(WrapperCategories.Produce)]
    public void Bare_Produce() => _bareProducer.Produce(Topic, _message, OnDelivered);

    [Benchmark]
    [BenchmarkCategory(WrapperCategories.Produce)]
    public void Traced_Produce() => _tracedProducer.Produce(Topic, _message, OnDelivered);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory(WrapperCategories.Consume)]
    public Task Bare_Process() => Handler(_received, CancellationToken.None);

    [Benchmark]
    [BenchmarkCategory(WrapperCategories.Consume)]
    public Task Traced_Process() => _tracedConsumer.ProcessAsync(_received, Handler);
}
