using System;
using System.Linq;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Marten;
using Messaging.Tracing.Benchmarks.Infrastructure;
using Messaging.Tracing.Spans;

namespace Messaging.Tracing.Benchmarks.Marten;

/// <summary>
/// One <c>SaveChangesAsync</c> that starts a new stream of <see cref="Events"/> events, on the local PostgreSQL (a real
/// round trip: the figures are the database's cost plus the tracing's): a store without Messaging.Tracing (the baseline)
/// against a store with <c>UseMessagingTracing</c> (an <c>append Order</c> span, W3C headers, correlation and causation per
/// event), with nobody listening (tracing off) or with a listener that samples every span.
/// </summary>
/// <remarks>
/// The two stores live in schemas of their own (the traced one has the <c>headers</c>, <c>correlation_id</c> and
/// <c>causation_id</c> columns it turns on), created in <see cref="GlobalSetup"/> and dropped in <see cref="GlobalCleanup"/>.
/// Per appended event: divide by <see cref="Events"/>.
/// </remarks>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByParams)]
public class MartenAppendBenchmarks
{
    private BenchmarkListener? _listener;
    private DocumentStore? _untraced;
    private DocumentStore? _traced;
    private object[] _events = [];

    /// <summary>Gets or sets how many events the save appends.</summary>
    [Params(1, 10)]
    public int Events { get; set; }

    /// <summary>Gets or sets who listens to the spans (the untraced store makes none either way).</summary>
    [Params(ListenerState.Sampled, ListenerState.NoListener)]
    public ListenerState Listener { get; set; }

    /// <summary>Gets the untraced store (smoke tests count what it stored).</summary>
    public DocumentStore UntracedStore => _untraced ?? throw new InvalidOperationException("Not set up.");

    /// <summary>Gets the traced store (smoke tests count what it stored).</summary>
    public DocumentStore TracedStore => _traced ?? throw new InvalidOperationException("Not set up.");

    [GlobalSetup]
    public async Task GlobalSetup()
    {
        _events = Enumerable.Range(0, Events).Select(i => (object)new OrderPlaced(i)).ToArray();
        _untraced = await BenchmarkPostgres.CreateStoreAsync();
        _traced = await BenchmarkPostgres.CreateStoreAsync(options => options.UseMessagingTracing(MessagingTracer.Default));
        _listener = BenchmarkListener.Start(Listener, MessagingActivitySource.Name);
    }

    [GlobalCleanup]
    public async Task GlobalCleanup()
    {
        _listener?.Dispose();
        if (_untraced is not null)
        {
            await BenchmarkPostgres.DisposeAsync(_untraced);
        }

        if (_traced is not null)
        {
            await BenchmarkPostgres.DisposeAsync(_traced);
        }
    }

    [Benchmark(Baseline = true)]
    public Task Untraced_Save() => SaveAsync(UntracedStore);

    [Benchmark]
    public Task Traced_Save() => SaveAsync(TracedStore);

    private async Task SaveAsync(DocumentStore store)
    {
        await using IDocumentSession session = store.LightweightSession();
        session.Events.StartStream<Order>(Guid.NewGuid(), _events);
        await session.SaveChangesAsync();
    }
}
