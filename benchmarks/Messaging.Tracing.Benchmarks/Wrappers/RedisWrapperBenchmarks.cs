using System;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Messaging.Tracing.Benchmarks.Infrastructure;
using Messaging.Tracing.Redis;
using Messaging.Tracing.Spans;
using StackExchange.Redis;

namespace Messaging.Tracing.Benchmarks.Wrappers;

/// <summary>
/// Per-message cost of the Redis Streams helpers against the bare commands, on a database that does no I/O
/// (<see cref="NullDatabase"/>): <c>StreamAddTracedAsync</c> (copy of the pairs, send span, inject) against
/// <c>StreamAddAsync</c>, and <c>TracedStreamConsumer.ProcessAsync</c> (extract, process scope, <c>XACK</c>) against the
/// handler followed by <c>StreamAcknowledgeAsync</c>.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public class RedisWrapperBenchmarks
{
    private const string Stream = "orders";
    private const string Group = "billing";
    private const int PayloadSize = 128;

    private static readonly Func<StreamMessage, CancellationToken, Task> Handler = static (_, _) => Task.CompletedTask;

    private readonly IDatabase _database = NullDatabase.Create();
    private readonly RedisValue _body = new byte[PayloadSize];
    private BenchmarkListener? _listener;
    private NameValueEntry[] _values = null!;
    private StreamMessage _received = null!;
    private TracedStreamConsumer _consumer = null!;

    /// <summary>Gets or sets who listens to the spans.</summary>
    [ParamsAllValues]
    public ListenerState Listener { get; set; }

    [GlobalSetup]
    public void GlobalSetup()
    {
        _listener = BenchmarkListener.Start(Listener, MessagingActivitySource.Name);
        _values = [new NameValueEntry("type", "order.created"), new NameValueEntry("body", _body)];
        // As StackExchange.Redis returns an entry it read: id, names and values as raw bytes.
        _received = new StreamMessage(
            Stream,
            new StreamEntry(Raw("1700000000000-0"), [new NameValueEntry(Raw("type"), Raw("order.created")), new NameValueEntry(Raw("body"), _body), new NameValueEntry(Raw("traceparent"), SampleContext.TraceParentUtf8)]));
        _consumer = new TracedStreamConsumer(_database, MessagingTracer.Default, Stream, Group, "consumer-1", new TracedStreamConsumerOptions { CreateGroup = false });
    }

    [GlobalCleanup]
    public void GlobalCleanup() => _listener?.Dispose();

    [Benchmark(Baseline = true)]
    [BenchmarkCategory(WrapperCategories.Produce)]
    public Task<RedisValue> Bare_Append() => _database.StreamAddAsync(Stream, _values);

    [Benchmark]
    [BenchmarkCategory(WrapperCategories.Produce)]
    public Task<RedisValue> Traced_Append() => _database.StreamAddTracedAsync(MessagingTracer.Default, Stream, _values);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory(WrapperCategories.Consume)]
    public async Task Bare_Process()
    {
        await Handler(_received, CancellationToken.None);
        await _database.StreamAcknowledgeAsync(Stream, Group, _received.Id);
    }

    [Benchmark]
    [BenchmarkCategory(WrapperCategories.Consume)]
    public Task Traced_Process() => _consumer.ProcessAsync(_received, Handler);

    private static RedisValue Raw(string text) => Encoding.UTF8.GetBytes(text);
}
