using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using EventSourcing.Domain;
using EventSourcing.EventStore;
using Marten;
using Messaging.Tracing;
using Messaging.Tracing.Brokers;
using Messaging.Tracing.Propagation;
using Messaging.Tracing.Testing;
using Xunit;

namespace EventSourcing.Tests;

/// <summary>The Marten store keeps the sample's event store contract: versions, optimistic concurrency, metadata, global order.</summary>
[Collection(SampleOnMartenCollection.Name)]
public sealed class MartenEventStoreTests(PostgresDatabase postgres) : IAsyncLifetime
{
    private DocumentStore? _documents;

    private MartenEventStore Store => new(_documents ?? throw new InvalidOperationException("Not initialized."));

    public Task InitializeAsync()
    {
        _documents = DocumentStore.For(options =>
        {
            MartenEventStore.Configure(options, postgres.ConnectionString, postgres.UniqueSchemaName("store"));
            options.UseMessagingTracing(MessagingTracer.Default);
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_documents is not null)
        {
            await _documents.DisposeAsync();
        }
    }

    [Fact]
    public async Task Appends_are_versioned_per_stream_traced_and_read_back_with_their_metadata_in_global_order()
    {
        using var collector = new SpanCollector();
        EventData registered = Event(new BandRegistered("a", "Low"));
        await Store.AppendAsync("band-a", 0, [registered, Event(new ReviewAdded("a", "r1", 5, null))], CancellationToken.None);
        await Store.AppendAsync("band-b", 0, [Event(new BandRegistered("b", "High"))], CancellationToken.None);
        IReadOnlyList<StoredEvent> appended = await Store.AppendAsync("band-a", 2, [Event(new BandFeatured("a", "why not"))], CancellationToken.None);

        Assert.Equal(3, Assert.Single(appended).Version);
        IReadOnlyList<StoredEvent> stream = await Store.ReadStreamAsync("band-a", CancellationToken.None);
        Assert.Equal([1L, 2L, 3L], stream.Select(e => e.Version));
        Assert.Equal(["BandRegistered", "ReviewAdded", "BandFeatured"], stream.Select(e => e.Type));
        StoredEvent first = stream[0];
        Assert.Equal(registered.EventId, first.EventId);
        Assert.Equal(new BandRegistered("a", "Low"), EventSerializer.Deserialize(first));
        Assert.Equal("corr-1", first.Metadata["correlation-id"]);
        Assert.Equal("cmd-1", first.Metadata["causation-id"]);

        // The traceparent is the package's append span, one per save, named after the aggregate.
        Activity[] appends = collector.Spans.Where(s => s.Kind == ActivityKind.Producer).OrderBy(s => s.StartTimeUtc).ToArray();
        Assert.Equal(3, appends.Length);
        Assert.All(appends, a => Assert.Equal("append Band", a.DisplayName));
        Assert.Equal(TraceParentCodec.Format(appends[0].Context), first.Metadata["traceparent"]);
        Assert.Equal(TraceParentCodec.Format(appends[2].Context), stream[2].Metadata["traceparent"]);
        Assert.Empty(await Store.ReadStreamAsync("band-none", CancellationToken.None));

        var all = new List<StoredEvent>();
        await foreach (StoredEvent stored in Store.ReadAllAsync(CancellationToken.None))
        {
            all.Add(stored);
        }

        Assert.Equal(["band-a", "band-a", "band-b", "band-a"], all.Select(e => e.StreamId));
        Assert.Equal(stream.Select(e => e.EventId), all.Where(e => e.StreamId == "band-a").Select(e => e.EventId));
    }

    [Theory]
    [InlineData(0, 1)] // a new stream that exists already
    [InlineData(1, 2)] // an existing stream that moved on
    public async Task An_append_behind_the_stream_fails_and_stores_nothing(long expected, long actual)
    {
        await Store.AppendAsync("band-a", 0, [Event(new BandRegistered("a", "Low"))], CancellationToken.None);
        if (actual == 2)
        {
            await Store.AppendAsync("band-a", 1, [Event(new ReviewAdded("a", "r1", 5, null))], CancellationToken.None);
        }

        var conflict = await Assert.ThrowsAsync<WrongExpectedVersionException>(
            () => Store.AppendAsync("band-a", expected, [Event(new ReviewAdded("a", "r2", 1, null)), Event(new ReviewAdded("a", "r3", 1, null))], CancellationToken.None));

        Assert.Equal($"Stream band-a has {actual} event(s), the writer expected {expected}.", conflict.Message);
        Assert.Equal(actual, (await Store.ReadStreamAsync("band-a", CancellationToken.None)).Count);
    }

    private static EventData Event(object domainEvent) => new(
        Guid.NewGuid(),
        EventSerializer.TypeName(domainEvent),
        EventSerializer.Serialize(domainEvent),
        new Dictionary<string, string> { ["correlation-id"] = "corr-1", ["causation-id"] = "cmd-1" });
}
