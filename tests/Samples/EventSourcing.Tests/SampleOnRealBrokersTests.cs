using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using EventSourcing.Api;
using EventSourcing.Scenario;
using EventSourcing.Telemetry;
using Messaging.Tracing.Brokers;
using Messaging.Tracing.Propagation;
using Messaging.Tracing.Spans;
using Messaging.Tracing.Testing;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using StackExchange.Redis;
using Xunit;

namespace EventSourcing.Tests;

/// <summary>
/// The sample on the real brokers: MassTransit over RabbitMQ, the Redis Streams event store, Kafka from the fixture
/// (librdkafka's mock cluster unless KAFKA_BOOTSTRAP_SERVERS names one). Each test uses its own name prefix.
/// </summary>
[Collection(SampleBrokersCollection.Name)]
public sealed class SampleOnRealBrokersTests(RabbitMqBroker rabbitMq, RedisBroker redis, KafkaCluster kafka) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly string _prefix = "es" + Guid.NewGuid().ToString("N")[..8] + "-";
    private readonly List<string> _bands = new();
    private SampleApp? _app;

    private SampleApp App => _app ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => _app = await StartAppAsync();

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        // What the run left on the brokers: its command queue and exchange, its Redis streams.
        await using IChannel channel = await rabbitMq.CreateChannelAsync();
        await channel.QueueDeleteAsync(_prefix + "band-commands", ifUnused: false, ifEmpty: false);
        await channel.ExchangeDeleteAsync(_prefix + "band-commands", ifUnused: false);
        RedisKey[] keys = [.. _bands.Select(b => (RedisKey)StreamKey(b)), _prefix + "es:all"];
        await redis.Database.KeyDeleteAsync(keys);
    }

    [Fact]
    public async Task A_review_that_earns_featuring_is_one_causal_story_from_the_request_to_the_follow_up_command_and_its_event()
    {
        using var client = new SampleClient(App.BaseAddress);
        string bandId = await RegisterAsync(client, "Rammstein");
        await ReviewAsync(client, bandId, 5);
        await ReviewAsync(client, bandId, 4);
        ApiResponse<CommandAccepted> third = await client.AddReviewAsync(bandId, 5, "Still ringing", CancellationToken.None);
        Assert.Equal(202, third.Status);
        IReadOnlyList<Activity> spans = await App.WaitForSettledAsync(client.Requests, Timeout);

        // The server span answered with its own context as traceresponse, and its trace holds the whole story.
        Activity server = spans.Single(s => s.Kind == ActivityKind.Server && TraceParentCodec.Format(s.Context) == third.TraceResponse);
        List<Activity> story = spans.Where(s => s.TraceId == server.TraceId).ToList();
        TraceAssert.Shape(ExpectedTrees.FeaturingReview(_prefix), story);

        // Every consumer span follows from its producer: parent and a follows_from link to the same span.
        foreach (Activity consumer in story.Where(s => s.Kind == ActivityKind.Consumer))
        {
            Assert.Contains(consumer.Links, l => l.Context.SpanId == consumer.ParentSpanId && SpanLinks.IsFollowsFrom(l));
        }

        // The stored events, read raw from the band's Redis stream: metadata fields next to the event's own.
        StreamEntry[] entries = await redis.Database.StreamRangeAsync(StreamKey(bandId));
        Assert.Equal(["BandRegistered", "ReviewAdded", "ReviewAdded", "ReviewAdded", "BandFeatured"], entries.Select(e => Field(e, "event-type")));
        StreamEntry review = entries[3];
        StreamEntry featured = entries[4];
        string correlationId = third.Body!.CorrelationId.ToString("D");
        Activity[] appends = story.Where(s => s.DisplayName == "append band-{id}").OrderBy(s => s.StartTimeUtc).ToArray();
        Assert.Equal(2, appends.Length);
        Assert.Equal(TraceParentCodec.Format(appends[0].Context), Field(review, "traceparent"));
        Assert.Equal(TraceParentCodec.Format(appends[1].Context), Field(featured, "traceparent"));
        Assert.All(appends, a => Assert.Equal("band-" + bandId, a.GetTagItem(MessagingAttributes.DestinationName)));

        // Correlation: the request's id all along the chain. Causation: the review's command caused ReviewAdded; ReviewAdded
        // caused the process manager's FeatureBand command; that command caused BandFeatured.
        Assert.Equal(correlationId, server.GetTagItem(SampleTelemetry.CorrelationIdTag));
        Assert.Equal(correlationId, Field(review, "correlation-id"));
        Assert.Equal(correlationId, Field(featured, "correlation-id"));
        Assert.Equal(third.Body.CommandId.ToString("D"), Field(review, "causation-id"));
        Activity featureSend = story.Single(s => s.DisplayName == $"send {_prefix}band-commands" && s.ParentSpanId != server.SpanId);
        Activity featureProcess = story.Single(s => s.Kind == ActivityKind.Consumer && s.ParentSpanId == featureSend.SpanId);
        Assert.Equal(featureSend.GetTagItem(MessagingAttributes.MessageId), Field(featured, "causation-id"));
        Assert.Equal(Field(review, "event-id"), featureProcess.GetTagItem(SampleTelemetry.CausationIdTag));
        Assert.Equal(correlationId, featureProcess.GetTagItem(SampleTelemetry.CorrelationIdTag));
        Assert.Equal(Field(review, "event-id"), Assert.Single(story, s => s.DisplayName == "featuring-policy ReviewAdded").GetTagItem("event.id"));

        // The read model caught up.
        ApiResponse<BandView> band = await client.GetBandAsync(bandId, CancellationToken.None);
        Assert.Equal(new BandView(bandId, "Rammstein", true, "3 reviews averaging 4.67", 3, 4.67), band.Body);
    }

    [Fact]
    public async Task Replaying_review_stats_starts_a_new_trace_per_event_linked_to_the_append_that_stored_it()
    {
        using var client = new SampleClient(App.BaseAddress);
        string bandId = await RegisterAsync(client, "Nickelback");
        await ReviewAsync(client, bandId, 2);
        await ReviewAsync(client, bandId, 3);

        ApiResponse<ReplayResult> replay = await client.ReplayAsync("review-stats", CancellationToken.None);
        Assert.Equal(200, replay.Status);
        Assert.Equal(new ReplayResult("review-stats", 3), replay.Body);
        IReadOnlyList<Activity> spans = await App.WaitForSettledAsync(client.Requests, Timeout);

        // Each replayed event: a root span of its own trace, following from the append that stored it, linked to the replay.
        Activity replaySpan = spans.Single(s => s.DisplayName == "replay review-stats");
        Activity[] replayed = spans.Where(s => s.DisplayName == "process review-stats").OrderBy(s => s.StartTimeUtc).ToArray();
        StreamEntry[] entries = await redis.Database.StreamRangeAsync(StreamKey(bandId));
        Assert.Equal(3, replayed.Length);
        Assert.Equal(3, replayed.Select(s => s.TraceId).Distinct().Count());
        HashSet<ActivityTraceId> requestTraces = spans.Where(s => s.Kind == ActivityKind.Server).Select(s => s.TraceId).ToHashSet();
        for (int i = 0; i < replayed.Length; i++)
        {
            Activity span = replayed[i];
            Assert.Equal(default, span.ParentSpanId);
            Assert.DoesNotContain(span.TraceId, requestTraces);
            ActivityLink original = Assert.Single(span.Links, SpanLinks.IsFollowsFrom);
            Assert.Equal(Field(entries[i], "traceparent"), TraceParentCodec.Format(original.Context));
            Assert.Contains(original.Context.TraceId, requestTraces);
            Assert.Contains(span.Links, l => l.Context == replaySpan.Context && !SpanLinks.IsFollowsFrom(l));
            Assert.Equal(Field(entries[i], "correlation-id"), span.GetTagItem(MessagingAttributes.ConversationId));
        }

        // The stories: each request's is what happened in it; the replay's holds the traces it started, which follow
        // from appends in the earlier stories.
        IReadOnlyList<RequestStory> stories = TraceReport.Stories(spans);
        TraceAssert.Shape(ExpectedTrees.Registration(_prefix), stories[0].Spans);
        TraceAssert.Shape(ExpectedTrees.Replay("BandRegistered", "ReviewAdded", "ReviewAdded"), stories[3].Spans);

        ApiResponse<BandView> band = await client.GetBandAsync(bandId, CancellationToken.None);
        Assert.Equal(new BandView(bandId, "Nickelback", false, null, 2, 2.5), band.Body);
    }

    [Fact]
    public async Task After_a_restart_the_read_models_and_the_process_manager_catch_up_from_the_store_in_new_linked_traces()
    {
        string bandId;
        using (var first = new SampleClient(App.BaseAddress))
        {
            bandId = await RegisterAsync(first, "Rammstein");
            await ReviewAsync(first, bandId, 5);
            await ReviewAsync(first, bandId, 5);
        }

        // A second life with the same names: same queue, topic and consumer groups, same Redis streams; empty memory.
        await App.DisposeAsync();
        _app = await StartAppAsync();
        using var client = new SampleClient(App.BaseAddress);
        ApiResponse<BandView> restored = await client.GetBandAsync(bandId, CancellationToken.None);
        Assert.Equal(new BandView(bandId, "Rammstein", false, null, 2, 5.0), restored.Body);

        // Each subscriber caught up in a root span of its own; each event in a new trace linked to the original append
        // (of the first life, so not collected here: [linked]) and to the catch-up.
        IReadOnlyList<Activity> startup = App.Collector!.Spans;
        StreamEntry[] entries = await redis.Database.StreamRangeAsync(StreamKey(bandId));
        foreach (string subscriber in new[] { "band-catalog", "review-stats", "featuring-policy" })
        {
            Activity catchUp = Assert.Single(startup, s => s.DisplayName == "catch-up " + subscriber);
            Assert.Equal(default, catchUp.ParentSpanId);
            Activity[] handled = startup.Where(s => s.DisplayName == "process " + subscriber).OrderBy(s => s.StartTimeUtc).ToArray();
            Assert.Equal(entries.Select(e => Field(e, "traceparent")), handled.Select(h => TraceParentCodec.Format(Assert.Single(h.Links, SpanLinks.IsFollowsFrom).Context)));
            Assert.All(handled, h => Assert.Contains(h.Links, l => l.Context == catchUp.Context));
            TraceAssert.Shape($"""
                process {subscriber} (consumer) [linked]
                └── {subscriber} BandRegistered (internal)
                process {subscriber} (consumer) [linked]
                └── {subscriber} ReviewAdded (internal)
                process {subscriber} (consumer) [linked]
                └── {subscriber} ReviewAdded (internal)
                """, startup.Where(s => s.TraceId != catchUp.TraceId && (s.DisplayName == "process " + subscriber || s.DisplayName.StartsWith(subscriber + " ", StringComparison.Ordinal))));
        }

        // The process manager remembers the two reviews: the third earns featuring, the whole story in one trace again.
        ApiResponse<CommandAccepted> third = await client.AddReviewAsync(bandId, 4, "Fire everywhere", CancellationToken.None);
        IReadOnlyList<Activity> spans = await App.WaitForSettledAsync(client.Requests, Timeout);
        Activity server = spans.Single(s => s.Kind == ActivityKind.Server && TraceParentCodec.Format(s.Context) == third.TraceResponse);
        TraceAssert.Shape(ExpectedTrees.FeaturingReview(_prefix), spans.Where(s => s.TraceId == server.TraceId));
        ApiResponse<BandView> band = await client.GetBandAsync(bandId, CancellationToken.None);
        Assert.Equal(new BandView(bandId, "Rammstein", true, "3 reviews averaging 4.67", 3, 4.67), band.Body);
    }

    private Task<SampleApp> StartAppAsync() =>
        SampleApp.StartAsync(
            SampleConfiguration.From(new Dictionary<string, string?>
            {
                ["RABBITMQ_URI"] = rabbitMq.Uri.ToString(),
                ["REDIS_CONNECTION"] = redis.Configuration,
                ["KAFKA_BOOTSTRAP_SERVERS"] = kafka.BootstrapServers,
                ["Sample:NamePrefix"] = _prefix,
            }),
            new SampleAppOptions { ConfigureLogging = logging => logging.ClearProviders() });

    private string StreamKey(string bandId) => $"{_prefix}es:stream:band-{bandId}";

    private static string Field(StreamEntry entry, string name) =>
        (string?)entry[name] ?? throw new KeyNotFoundException($"Entry {entry.Id} has no field {name}.");

    private async Task<string> RegisterAsync(SampleClient client, string name)
    {
        ApiResponse<CommandAccepted> response = await client.RegisterBandAsync(name, CancellationToken.None);
        Assert.Equal(202, response.Status);
        _bands.Add(response.Body!.BandId);
        await App.WaitForSettledAsync(client.Requests, Timeout);
        return response.Body.BandId;
    }

    private async Task ReviewAsync(SampleClient client, string bandId, int rating)
    {
        ApiResponse<CommandAccepted> response = await client.AddReviewAsync(bandId, rating, comment: null, CancellationToken.None);
        Assert.Equal(202, response.Status);
        await App.WaitForSettledAsync(client.Requests, Timeout);
    }
}
