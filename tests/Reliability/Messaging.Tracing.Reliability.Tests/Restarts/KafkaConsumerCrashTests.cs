using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using Confluent.Kafka;
using Messaging.Tracing.Brokers;
using Messaging.Tracing.Kafka;
using Messaging.Tracing.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Messaging.Tracing.Reliability.Tests.Restarts;

/// <summary>
/// Issue 7: a Kafka consumer dies mid-stream and another one in the same group takes over. Nothing is lost (Kafka
/// delivers at least once from the last committed offsets; the duplicates are reported) and every process span —
/// before and after the crash — follows from its own message's producer span.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="TracedConsumer{TKey, TValue}"/> never commits: offsets are the application's. The pattern used here (and
/// recommended) is at-least-once: <c>enable.auto.offset.store=false</c>, <c>StoreOffset</c> after the handler succeeded,
/// and a commit of the stored offsets every <see cref="CommitEvery"/> messages (or <c>enable.auto.commit</c> to let
/// librdkafka commit them in the background).
/// </para>
/// <para>
/// The crash: the first consumer stops in the middle of a commit interval and is disposed without <c>Close</c>. With
/// auto-commit off nothing it processed since its last commit is committed — what a killed process leaves behind — and
/// it does not leave the group cleanly: the replacement gets the partitions only once the coordinator has expired the
/// dead member (<c>session.timeout.ms</c>, 6 s here, plus the mock cluster's 3 s rebalance delay; measured ≈ 11 s).
/// </para>
/// </remarks>
[Trait("Category", "Reliability")]
public sealed class KafkaConsumerCrashTests(ITestOutputHelper output, KafkaCluster cluster) : IClassFixture<KafkaCluster>
{
    /// <summary>The application commits its stored offsets after this many messages.</summary>
    private const int CommitEvery = 50;

    /// <summary>Messages in the CI slice.</summary>
    private const int CiMessages = 2_000;

    /// <summary>Produce requests in flight at once.</summary>
    private const int InFlight = 200;

    /// <summary>The deadline of the CI slice; the long run's grows with its message count.</summary>
    private static readonly TimeSpan CiTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_consumer_that_dies_mid_stream_is_replaced_without_losing_a_message()
    {
        int count = SoakMessages.Count(CiMessages);
        TimeSpan timeout = SoakMessages.Budget(CiTimeout, count, CiMessages);
        int crashAfter = (count / 3) + (CommitEvery / 2) + 3;
        using var collector = new SpanCollector();
        string topic = cluster.UniqueTopic("crash");
        int partitions = await cluster.CreateTopicAsync(topic);
        string group = cluster.UniqueTopic("crash-group");
        var handled = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var processSpans = new ConcurrentDictionary<string, ConcurrentBag<Activity>>(StringComparer.Ordinal);
        var stopwatch = Stopwatch.StartNew();

        // The producer streams the whole time; the crash happens while messages keep arriving.
        using TracedProducer<string, string> producer = new TracedProducerBuilder<string, string>(cluster.CreateProducerConfig(), MessagingTracer.Default).Build();
        Task producing = Task.Run(async () =>
        {
            for (int start = 0; start < count; start += InFlight)
            {
                await Task.WhenAll(Enumerable.Range(start, Math.Min(InFlight, count - start))
                    .Select(i => producer.ProduceAsync(topic, new Message<string, string> { Key = Id(i), Value = "payload " + Id(i) })));
            }
        });

        int processedByFirst = 0;
        int uncommittedAtCrash;
        using (TracedConsumer<string, string> first = Consumer(group))
        {
            first.Subscribe(topic);
            int sinceCommit = 0;
            while (processedByFirst < crashAfter)
            {
                ConsumeResult<string, string>? result = await first.ConsumeAndProcessAsync(TimeSpan.FromMilliseconds(250), (r, _) => Handle(r, handled, processSpans));
                Assert.True(stopwatch.Elapsed < timeout, $"the first consumer processed only {processedByFirst} messages");
                if (result is null)
                {
                    continue;
                }

                first.StoreOffset(result);
                processedByFirst++;
                if (++sinceCommit == CommitEvery)
                {
                    CommitStored(first);
                    sinceCommit = 0;
                }
            }

            uncommittedAtCrash = sinceCommit;

            // The crash: no commit of what was processed since the last one, no Close.
        }

        TimeSpan crashedAt = stopwatch.Elapsed;
        TimeSpan? resumedAt = null;
        int processedBySecond = 0;
        using (TracedConsumer<string, string> second = Consumer(group))
        {
            second.Subscribe(topic);
            int sinceCommit = 0;
            while (handled.Count < count || !producing.IsCompleted)
            {
                Assert.True(stopwatch.Elapsed < timeout, $"after the crash only {handled.Count} of {count} messages were handled");
                ConsumeResult<string, string>? result = await second.ConsumeAndProcessAsync(TimeSpan.FromMilliseconds(250), (r, _) => Handle(r, handled, processSpans));
                if (result is null)
                {
                    continue;
                }

                resumedAt ??= stopwatch.Elapsed;
                second.StoreOffset(result);
                processedBySecond++;
                if (++sinceCommit == CommitEvery)
                {
                    CommitStored(second);
                    sinceCommit = 0;
                }
            }

            CommitStored(second);
            second.Close();
        }

        await producing;
        int handlerRuns = handled.Values.Sum();
        int duplicates = handlerRuns - handled.Count;
        int lost = Enumerable.Range(0, count).Count(i => !handled.ContainsKey(Id(i)));

        // Every process span follows from the producer span of its own message.
        IReadOnlyList<Activity> spans = await collector.WaitForAsync(s => s.Count(a => a.Kind == ActivityKind.Producer) >= count, timeout);
        Dictionary<string, Activity[]> producers = spans.Where(a => a.Kind == ActivityKind.Producer)
            .GroupBy(a => (string)a.GetTagItem(KafkaAttributes.MessageKey)!)
            .ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
        int unlinked = processSpans.Sum(p => p.Value.Count(process => !producers.TryGetValue(p.Key, out Activity[]? own) || !ProducerLinks.FollowsFromOneOf(process, own)));

        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"REPORT restart transport=kafka scenario=consumer-crash partitions={partitions} messages={count} received={handled.Count} duplicates={duplicates} lost={lost} "
            + $"processed_before_crash={processedByFirst} uncommitted_at_crash={uncommittedAtCrash} processed_after_crash={processedBySecond} "
            + $"takeover_seconds={((resumedAt ?? crashedAt) - crashedAt).TotalSeconds:0.0} process_spans={processSpans.Sum(p => p.Value.Count)} unlinked={unlinked} seconds={stopwatch.Elapsed.TotalSeconds:0.0}"));
        Assert.Equal(0, lost);
        Assert.Equal(0, unlinked);
        Assert.Equal(handlerRuns, processSpans.Sum(p => p.Value.Count));

        // At least once: what the dead consumer processed after its last commit comes again, nothing more than that.
        Assert.InRange(duplicates, 0, uncommittedAtCrash);
    }

    private static string Id(int i) => "k-" + i.ToString("D7", CultureInfo.InvariantCulture);

    private static Task Handle(ConsumeResult<string, string> result, ConcurrentDictionary<string, int> handled, ConcurrentDictionary<string, ConcurrentBag<Activity>> processSpans)
    {
        Assert.Equal("payload " + result.Message.Key, result.Message.Value);
        handled.AddOrUpdate(result.Message.Key, 1, (_, n) => n + 1);
        processSpans.GetOrAdd(result.Message.Key, _ => new ConcurrentBag<Activity>()).Add(Activity.Current!);
        return Task.CompletedTask;
    }

    /// <summary>Commits the stored offsets; nothing stored since the last commit is no error.</summary>
    private static void CommitStored(IConsumer<string, string> consumer)
    {
        try
        {
            consumer.Commit();
        }
        catch (KafkaException ex) when (ex.Error.Code == ErrorCode.Local_NoOffset)
        {
            // Nothing new to commit.
        }
    }

    private TracedConsumer<string, string> Consumer(string group)
    {
        ConsumerConfig config = cluster.CreateConsumerConfig(group);
        config.EnableAutoCommit = false;
        config.EnableAutoOffsetStore = false;
        return new TracedConsumerBuilder<string, string>(config, MessagingTracer.Default).Build();
    }
}
