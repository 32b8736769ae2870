using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Messaging.Tracing.Benchmarks.Infrastructure;
using Messaging.Tracing.Benchmarks.Throughput;
using Messaging.Tracing.Spans;

namespace Messaging.Tracing.Benchmarks.Marten;

/// <summary>
/// The CPU the Marten instrumentation adds, without the database (whose round trips hide it in
/// <see cref="MartenAppendBenchmarks"/> and the daemon scenario): the append listener as Marten calls it around a save of
/// <see cref="Events"/> events (the session and its stream actions are built in both cases), and a page of
/// <see cref="Events"/> stored events (each with a <c>traceparent</c> header) handled by a plain subscription and by a
/// <c>TracedSubscription</c> on a live daemon's controller.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public class MartenInstrumentationBenchmarks
{
    private const string Append = "Append";
    private const string Process = "Process";

    private BenchmarkListener? _listener;
    private DocumentStore? _store;
    private IDocumentSessionListener _appendListener = null!;
    private object[] _events = [];
    private EventRange _page = null!;
    private LiveController _controller = null!;
    private CountingSubscription _plain = null!;
    private TracedCountingSubscription _traced = null!;

    /// <summary>Gets or sets how many events the save appends, or the page holds.</summary>
    [Params(1, 10)]
    public int Events { get; set; }

    /// <summary>Gets or sets who listens to the spans.</summary>
    [Params(ListenerState.Sampled, ListenerState.NoListener)]
    public ListenerState Listener { get; set; }

    [GlobalSetup]
    public void GlobalSetup()
    {
        _events = Enumerable.Range(0, Events).Select(i => (object)new OrderPlaced(i)).ToArray();
        // Never connects: no case saves.
        _store = DocumentStore.For(options =>
        {
            options.Connection(BenchmarkPostgres.ConnectionString);
            options.UseMessagingTracing(MessagingTracer.Default);
        });
        // UseMessagingTracing adds its session listener last: the one Marten calls around every save.
        _appendListener = _store.Options.Listeners.Last();

        var shard = new ShardName("Counter");
        _controller = new LiveController(shard);
        // The page alone: the subscriptions read its shard name and events, not the daemon's agent.
        _page = new EventRange(shard, 0, Events, agent: null!)
        {
            Events = _events.Select((data, i) => Stored(data, i + 1)).ToList(),
        };
        var meter = new RunMeter(int.MaxValue);
        _plain = new CountingSubscription(meter);
        _traced = new TracedCountingSubscription(meter);
        _listener = BenchmarkListener.Start(Listener, MessagingActivitySource.Name);
    }

    [GlobalCleanup]
    public void GlobalCleanup()
    {
        _listener?.Dispose();
        _store?.Dispose();
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory(Append)]
    public async Task Bare_Append()
    {
        await using IDocumentSession session = _store!.LightweightSession();
        session.Events.StartStream<Order>(Guid.NewGuid(), _events);
    }

    [Benchmark]
    [BenchmarkCategory(Append)]
    public async Task Traced_Append()
    {
        await using IDocumentSession session = _store!.LightweightSession();
        session.Events.StartStream<Order>(Guid.NewGuid(), _events);
        await _appendListener.BeforeSaveChangesAsync(session, CancellationToken.None);
        // The listener ends its span here and reads nothing of the change set.
        await _appendListener.AfterCommitAsync(session, null!, CancellationToken.None);
    }

    // Both subscriptions only count: neither touches the operations.
    [Benchmark(Baseline = true)]
    [BenchmarkCategory(Process)]
    public Task<IChangeListener> Bare_Process() => _plain.ProcessEventsAsync(_page, _controller, null!, CancellationToken.None);

    [Benchmark]
    [BenchmarkCategory(Process)]
    public Task<IChangeListener> Traced_Process() => _traced.ProcessEventsAsync(_page, _controller, null!, CancellationToken.None);

    private static IEvent Stored(object data, long sequence)
    {
        IEvent stored = new Event<OrderPlaced>((OrderPlaced)data)
        {
            Sequence = sequence,
            Version = sequence,
            StreamId = Guid.NewGuid(),
            CorrelationId = "4bf92f3577b34da6a3ce929d0e0e4736",
            // Appended just now, as on a live daemon.
            Timestamp = DateTimeOffset.UtcNow,
            Headers = new Dictionary<string, object> { ["traceparent"] = SampleContext.TraceParent },
        };
        return stored;
    }
}
