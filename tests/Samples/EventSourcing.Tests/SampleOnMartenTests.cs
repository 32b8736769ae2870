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
using Messaging.Tracing.Instruments;
using Messaging.Tracing.Propagation;
using Messaging.Tracing.Spans;
using Messaging.Tracing.Testing;
using Microsoft.Extensions.Logging;
using Npgsql;
using RabbitMQ.Client;
using Xunit;

namespace EventSourcing.Tests;

/// <summary>
/// The sample on Marten (<c>Sample:EventStore=marten</c>, a schema of its own per test), MassTransit over RabbitMQ and
/// Kafka from the fixture: appends traced by Messaging.Tracing.Marten, the projections and the process manager on
/// Marten's async daemon, a replay as a rebuild of the subscription.
/// </summary>
[Collection(SampleOnMartenCollection.Name)]
public sealed class SampleOnMartenTests(PostgresDatabase postgres, RabbitMqBroker rabbitMq, KafkaCluster kafka) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly string _prefix = "esm" + Guid.NewGuid().ToString("N")[..8] + "-";
    private readonly string _schema = postgres.UniqueSchemaName("sample");
    private SampleApp? _app;

    private SampleApp App => _app ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => _app = await StartAppAsync();

    private Task<SampleApp> StartAppAsync() =>
        SampleApp.StartAsync(
            SampleConfiguration.From(new Dictionary<string, string?>
            {
                ["Sample:EventStore"] = "marten",
                ["POSTGRES_CONNECTION"] = postgres.ConnectionString,
                ["Sample:PostgresSchema"] = _schema,
                ["RABBITMQ_URI"] = rabbitMq.Uri.ToString(),
                ["KAFKA_BOOTSTRAP_SERVERS"] = kafka.BootstrapServers,
                ["Sample:NamePrefix"] = _prefix,
            }),
            new SampleAppOptions { ConfigureLogging = logging => logging.ClearProviders() });

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        // What the run left on RabbitMQ: its command queue and exchange (the fixture drops the schema).
        await using IChannel channel = await rabbitMq.CreateChannelAsync();
        await channel.QueueDeleteAsync(_prefix + "band-commands", ifUnused: false, ifEmpty: false);
        await channel.ExchangeDeleteAsync(_prefix + "band-commands", ifUnused: false);
    }

    [Fact]
    public async Task A_review_that_earns_featuring_is_one_story_through_marten_whose_stored_headers_point_at_the_appends()
    {
        using var client = new SampleClient(App.BaseAddress);
        string bandId = await RegisterAsync(client, "Rammstein");
        await ReviewAsync(client, bandId, 5);
        await ReviewAsync(client, bandId, 4);
        ApiResponse<CommandAccepted> third = await client.AddReviewAsync(bandId, 5, "Still ringing", CancellationToken.None);
        Assert.Equal(202, third.Status);
        IReadOnlyList<Activity> spans = await App.WaitForSettledAsync(client.Requests, Timeout);

        // One trace from the request to the process manager's command, its append and the subscriptions that follow from it.
        Activity server = spans.Single(s => s.Kind == ActivityKind.Server && TraceParentCodec.Format(s.Context) == third.TraceResponse);
        List<Activity> story = spans.Where(s => s.TraceId == server.TraceId).ToList();
        TraceAssert.Shape(ExpectedTrees.MartenFeaturingReview(_prefix), story);
        IReadOnlyList<RequestStory> stories = TraceReport.Stories(spans);
        TraceAssert.Shape(ExpectedTrees.MartenRegistration(_prefix), stories[0].Spans);

        // Every consumer span follows from its producer: parent and a follows_from link to the same span; Marten's are the
        // daemon's, parented on the append (not on the daemon's own page span).
        foreach (Activity consumer in story.Where(s => s.Kind == ActivityKind.Consumer))
        {
            Assert.Contains(consumer.Links, l => l.Context.SpanId == consumer.ParentSpanId && SpanLinks.IsFollowsFrom(l));
        }

        // The stored events, read raw from mt_events: each traceparent header is its append span's context.
        IReadOnlyList<MartenEventRow> rows = await ReadEventsAsync("band-" + bandId);
        Assert.Equal(["band_registered", "review_added", "review_added", "review_added", "band_featured"], rows.Select(r => r.Type));
        MartenEventRow review = rows[3];
        MartenEventRow featured = rows[4];
        Activity[] appends = story.Where(s => s.DisplayName == "append Band").OrderBy(s => s.StartTimeUtc).ToArray();
        Assert.Equal(2, appends.Length);
        Assert.Equal(TraceParentCodec.Format(appends[0].Context), review.TraceParent);
        Assert.Equal(TraceParentCodec.Format(appends[1].Context), featured.TraceParent);
        Assert.All(appends, a => Assert.Equal("band-" + bandId, a.GetTagItem(MessagingAttributes.DestinationName)));
        Assert.All(appends, a => Assert.Equal("marten", a.GetTagItem(MessagingAttributes.System)));
        Assert.All(
            story.Where(s => s.DisplayName.StartsWith("process ", StringComparison.Ordinal) && s.GetTagItem(MessagingAttributes.System) is "marten"),
            s => Assert.Contains(s.ParentSpanId, appends.Select(a => a.SpanId)));
        Activity registration = stories[0].Spans.Single(s => s.DisplayName == "append Band");
        Assert.Equal(TraceParentCodec.Format(registration.Context), rows[0].TraceParent);

        // Correlation: the request's id all along the chain. Causation: the review's command caused ReviewAdded; ReviewAdded
        // caused the process manager's FeatureBand command; that command caused BandFeatured.
        string correlationId = third.Body!.CorrelationId.ToString("D");
        Assert.Equal(correlationId, server.GetTagItem(SampleTelemetry.CorrelationIdTag));
        Assert.Equal(correlationId, review.CorrelationId);
        Assert.Equal(correlationId, featured.CorrelationId);
        Assert.Equal(third.Body.CommandId.ToString("D"), review.CausationId);
        Activity featureSend = story.Single(s => s.DisplayName == $"send {_prefix}band-commands" && s.ParentSpanId != server.SpanId);
        Activity featureProcess = story.Single(s => s.Kind == ActivityKind.Consumer && s.ParentSpanId == featureSend.SpanId);
        Assert.Equal(featureSend.GetTagItem(MessagingAttributes.MessageId), featured.CausationId);
        Assert.Equal(review.Id.ToString("D"), featureProcess.GetTagItem(SampleTelemetry.CausationIdTag));
        Assert.Equal(correlationId, featureProcess.GetTagItem(SampleTelemetry.CorrelationIdTag));
        Assert.Equal(review.Id.ToString("D"), Assert.Single(story, s => s.DisplayName == "featuring-policy ReviewAdded").GetTagItem("event.id"));
        Assert.All(
            story.Where(s => s.GetTagItem(MessagingAttributes.System) is "marten" && s.Kind == ActivityKind.Consumer),
            s => Assert.Equal(correlationId, s.GetTagItem(MessagingAttributes.ConversationId)));

        // Metrics: the 5 events appended under the aggregate type, never a band's stream; each subscription consumed them
        // live, with their time in queue from the stored timestamps.
        MeasurementCollector metrics = App.Metrics!;
        IReadOnlyList<RecordedMeasurement> marten = metrics.Measurements.Where(m => m.Tag(MessagingAttributes.System) == "marten").ToArray();
        Assert.Equal(5, marten.Where(m => m.Instrument == MessagingMeter.SentMessages && m.Destination == "Band").Sum(m => m.Value));
        Assert.DoesNotContain(marten, m => m.Destination == "band-" + bandId);
        foreach (string subscription in new[] { "band-catalog", "featuring-policy", "review-stats" })
        {
            Assert.Equal(5, marten.Where(m => m.Instrument == MessagingMeter.ConsumedMessages && m.Destination == subscription).Sum(m => m.Value));
            Assert.Equal(5, marten.Count(m => m.Instrument == MessagingMeter.QueueDuration && m.Destination == subscription));
        }

        // The read model caught up.
        ApiResponse<BandView> band = await client.GetBandAsync(bandId, CancellationToken.None);
        Assert.Equal(new BandView(bandId, "Rammstein", true, "3 reviews averaging 4.67", 3, 4.67), band.Body);
    }

    [Fact]
    public async Task Replaying_review_stats_rebuilds_the_subscription_on_the_daemon_in_new_traces_linked_to_the_appends()
    {
        using var client = new SampleClient(App.BaseAddress);
        string bandId = await RegisterAsync(client, "Nickelback");
        await ReviewAsync(client, bandId, 2);
        await ReviewAsync(client, bandId, 3);
        int before = App.Collector!.Spans.Count;

        ApiResponse<ReplayResult> replay = await client.ReplayAsync("review-stats", CancellationToken.None);
        Assert.Equal(200, replay.Status);
        Assert.Equal(new ReplayResult("review-stats", 3), replay.Body);
        IReadOnlyList<Activity> spans = await App.WaitForSettledAsync(client.Requests, Timeout);

        // Marten ran the shard in rebuild mode: each event a root span of its own trace, following from the append whose
        // context the event stored, linked to the replay.
        Activity replaySpan = spans.Single(s => s.DisplayName == "replay review-stats");
        Activity[] replayed = spans.Skip(before).Where(s => s.DisplayName == "process review-stats").OrderBy(s => s.StartTimeUtc).ToArray();
        IReadOnlyList<MartenEventRow> rows = await ReadEventsAsync("band-" + bandId);
        Assert.Equal(3, replayed.Length);
        Assert.Equal(3, replayed.Select(s => s.TraceId).Distinct().Count());
        HashSet<ActivityTraceId> requestTraces = spans.Where(s => s.Kind == ActivityKind.Server).Select(s => s.TraceId).ToHashSet();
        for (int i = 0; i < replayed.Length; i++)
        {
            Activity span = replayed[i];
            Assert.Equal(default, span.ParentSpanId);
            Assert.DoesNotContain(span.TraceId, requestTraces);
            ActivityLink original = Assert.Single(span.Links, SpanLinks.IsFollowsFrom);
            Assert.Equal(rows[i].TraceParent, TraceParentCodec.Format(original.Context));
            Assert.Contains(original.Context.TraceId, requestTraces);
            Assert.Contains(span.Links, l => l.Context == replaySpan.Context && !SpanLinks.IsFollowsFrom(l));
            Assert.Equal(rows[i].CorrelationId, span.GetTagItem(MessagingAttributes.ConversationId));
        }

        IReadOnlyList<RequestStory> stories = TraceReport.Stories(spans);
        TraceAssert.Shape(ExpectedTrees.Replay("BandRegistered", "ReviewAdded", "ReviewAdded"), stories[3].Spans);
        ApiResponse<BandView> band = await client.GetBandAsync(bandId, CancellationToken.None);
        Assert.Equal(new BandView(bandId, "Nickelback", false, null, 2, 2.5), band.Body);

        // After the rebuild the shard runs live again: the next review's projection follows from its append.
        ApiResponse<CommandAccepted> next = await client.AddReviewAsync(bandId, 4, comment: null, CancellationToken.None);
        spans = await App.WaitForSettledAsync(client.Requests, Timeout);
        Activity server = spans.Single(s => s.Kind == ActivityKind.Server && TraceParentCodec.Format(s.Context) == next.TraceResponse);
        Activity append = spans.Single(s => s.TraceId == server.TraceId && s.DisplayName == "append Band");
        Activity live = spans.Single(s => s.TraceId == server.TraceId && s.DisplayName == "process review-stats");
        Assert.Equal(append.SpanId, live.ParentSpanId);
        Assert.DoesNotContain(live.Links, l => l.Context == replaySpan.Context);
    }

    [Fact]
    public async Task After_a_restart_the_state_catches_up_from_marten_and_the_daemon_goes_on_from_its_stored_progress()
    {
        string bandId;
        using (var first = new SampleClient(App.BaseAddress))
        {
            bandId = await RegisterAsync(first, "Rammstein");
            await ReviewAsync(first, bandId, 5);
            await ReviewAsync(first, bandId, 5);
        }

        // A second life on the same schema: the read models and the process manager's state (in memory) catch up from
        // Marten in new traces linked to the appends; the daemon's subscriptions resume after the events they handled.
        await App.DisposeAsync();
        _app = await StartAppAsync();
        using var client = new SampleClient(App.BaseAddress);
        ApiResponse<BandView> restored = await client.GetBandAsync(bandId, CancellationToken.None);
        Assert.Equal(new BandView(bandId, "Rammstein", false, null, 2, 5.0), restored.Body);
        IReadOnlyList<MartenEventRow> rows = await ReadEventsAsync("band-" + bandId);
        IReadOnlyList<Activity> startup = App.Collector!.Spans;
        foreach (string subscriber in new[] { "band-catalog", "review-stats", "featuring-policy" })
        {
            Activity catchUp = Assert.Single(startup, s => s.DisplayName == "catch-up " + subscriber);
            Activity[] handled = startup.Where(s => s.DisplayName == "process " + subscriber).OrderBy(s => s.StartTimeUtc).ToArray();
            Assert.Equal(rows.Select(r => r.TraceParent), handled.Select(h => TraceParentCodec.Format(Assert.Single(h.Links, SpanLinks.IsFollowsFrom).Context)));
            Assert.All(handled, h => Assert.Equal(default, h.ParentSpanId));
            Assert.All(handled, h => Assert.Contains(h.Links, l => l.Context == catchUp.Context));
        }

        // The process manager remembers the two reviews: the third earns featuring, the whole story in one trace again,
        // and no subscription handled the first life's events a second time.
        ApiResponse<CommandAccepted> third = await client.AddReviewAsync(bandId, 4, "Fire everywhere", CancellationToken.None);
        IReadOnlyList<Activity> spans = await App.WaitForSettledAsync(client.Requests, Timeout);
        Activity server = spans.Single(s => s.Kind == ActivityKind.Server && TraceParentCodec.Format(s.Context) == third.TraceResponse);
        TraceAssert.Shape(ExpectedTrees.MartenFeaturingReview(_prefix), spans.Where(s => s.TraceId == server.TraceId));
        Assert.Equal(3 * 3 + 3 * 2, spans.Count(s => s.DisplayName.StartsWith("process ", StringComparison.Ordinal) && s.GetTagItem(MessagingAttributes.System) is "marten"));
        ApiResponse<BandView> band = await client.GetBandAsync(bandId, CancellationToken.None);
        Assert.Equal(new BandView(bandId, "Rammstein", true, "3 reviews averaging 4.67", 3, 4.67), band.Body);
    }

    private async Task<IReadOnlyList<MartenEventRow>> ReadEventsAsync(string streamId)
    {
        await using NpgsqlCommand command = postgres.DataSource.CreateCommand(
            $"SELECT id, type, headers->>'traceparent', correlation_id, causation_id FROM \"{_schema}\".mt_events WHERE stream_id = $1 ORDER BY version");
        command.Parameters.AddWithValue(streamId);
        var rows = new List<MartenEventRow>();
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(new MartenEventRow(
                reader.GetGuid(0),
                reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4)));
        }

        return rows;
    }

    private async Task<string> RegisterAsync(SampleClient client, string name)
    {
        ApiResponse<CommandAccepted> response = await client.RegisterBandAsync(name, CancellationToken.None);
        Assert.Equal(202, response.Status);
        await App.WaitForSettledAsync(client.Requests, Timeout);
        return response.Body!.BandId;
    }

    private async Task ReviewAsync(SampleClient client, string bandId, int rating)
    {
        ApiResponse<CommandAccepted> response = await client.AddReviewAsync(bandId, rating, comment: null, CancellationToken.None);
        Assert.Equal(202, response.Status);
        await App.WaitForSettledAsync(client.Requests, Timeout);
    }
}
