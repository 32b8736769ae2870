using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using EventSourcing.EventStore;
using Messaging.Tracing.Brokers;
using StackExchange.Redis;
using Xunit;

namespace EventSourcing.Tests;

/// <summary>Both event stores keep the same contract: versions, optimistic concurrency, metadata, global order.</summary>
[Collection(SampleBrokersCollection.Name)]
public sealed class EventStoreTests(RedisBroker redis) : IAsyncLifetime
{
    private readonly string _prefix = "es" + Guid.NewGuid().ToString("N")[..8] + "-es:";

    public static TheoryData<string> Stores => new() { "memory", "redis" };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        var store = new RedisEventStore(redis.Database, _prefix);
        await redis.Database.KeyDeleteAsync([store.StreamKey("band-a"), store.StreamKey("band-b"), store.AllStreamKey]);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Appends_are_versioned_per_stream_and_read_back_with_their_metadata_in_global_order(string kind)
    {
        IEventStore store = Create(kind);
        await store.AppendAsync("band-a", 0, [Event("BandRegistered"), Event("ReviewAdded")], CancellationToken.None);
        await store.AppendAsync("band-b", 0, [Event("BandRegistered")], CancellationToken.None);
        IReadOnlyList<StoredEvent> appended = await store.AppendAsync("band-a", 2, [Event("BandFeatured")], CancellationToken.None);

        Assert.Equal(3, Assert.Single(appended).Version);
        IReadOnlyList<StoredEvent> stream = await store.ReadStreamAsync("band-a", CancellationToken.None);
        Assert.Equal([1L, 2L, 3L], stream.Select(e => e.Version));
        Assert.Equal(["BandRegistered", "ReviewAdded", "BandFeatured"], stream.Select(e => e.Type));
        StoredEvent first = stream[0];
        Assert.Equal("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", first.Metadata["traceparent"]);
        Assert.Equal("corr-1", first.Metadata["correlation-id"]);
        Assert.Equal("""{"bandId":"a"}""", first.Data);
        Assert.Empty(await store.ReadStreamAsync("band-none", CancellationToken.None));

        var all = new List<StoredEvent>();
        await foreach (StoredEvent stored in store.ReadAllAsync(CancellationToken.None))
        {
            all.Add(stored);
        }

        Assert.Equal(["band-a", "band-a", "band-b", "band-a"], all.Select(e => e.StreamId));
        Assert.Equal(stream.Select(e => e.EventId), all.Where(e => e.StreamId == "band-a").Select(e => e.EventId));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task An_append_behind_the_stream_fails_and_stores_nothing(string kind)
    {
        IEventStore store = Create(kind);
        await store.AppendAsync("band-a", 0, [Event("BandRegistered")], CancellationToken.None);

        var conflict = await Assert.ThrowsAsync<WrongExpectedVersionException>(
            () => store.AppendAsync("band-a", 0, [Event("BandRegistered"), Event("ReviewAdded")], CancellationToken.None));

        Assert.Equal("Stream band-a has 1 event(s), the writer expected 0.", conflict.Message);
        Assert.Single(await store.ReadStreamAsync("band-a", CancellationToken.None));
    }

    [Fact]
    public async Task Redis_keeps_each_event_as_one_stream_entry_with_its_metadata_as_fields()
    {
        var store = new RedisEventStore(redis.Database, _prefix);
        EventData data = Event("BandRegistered");
        await store.AppendAsync("band-a", 0, [data], CancellationToken.None);

        StreamEntry entry = Assert.Single(await redis.Database.StreamRangeAsync(store.StreamKey("band-a")));
        Assert.Equal(
            ["event-id", "event-type", "stream", "data", "traceparent", "correlation-id", "causation-id", "version"],
            entry.Values.Select(v => (string?)v.Name));
        Assert.Equal(data.EventId.ToString("D"), (string?)entry["event-id"]);
        Assert.Equal("1", (string?)entry["version"]);
    }

    private IEventStore Create(string kind) => kind == "redis" ? new RedisEventStore(redis.Database, _prefix) : new InMemoryEventStore();

    private static EventData Event(string type) => new(
        Guid.NewGuid(),
        type,
        """{"bandId":"a"}""",
        new Dictionary<string, string>
        {
            ["traceparent"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            ["correlation-id"] = "corr-1",
            ["causation-id"] = "cmd-1",
        });
}
