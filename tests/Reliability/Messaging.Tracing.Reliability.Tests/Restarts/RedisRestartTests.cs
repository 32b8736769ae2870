using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Messaging.Tracing.Brokers;
using Messaging.Tracing.Redis;
using Messaging.Tracing.Testing;
using StackExchange.Redis;
using Xunit;
using Xunit.Abstractions;

namespace Messaging.Tracing.Reliability.Tests.Restarts;

/// <summary>
/// Issue 7: the Redis server dies (SIGKILL) in the middle of a stream read by a consumer group and comes back on the same
/// port and data (append-only file fsynced on every write). The <see cref="TracedStreamConsumer"/> resumes through the
/// multiplexer's reconnection; entries that were pending when the server died are reclaimed; no entry is lost and every
/// processed entry's span still points at its own producer span.
/// </summary>
[Trait("Category", "Reliability")]
[Trait(LocalTools.Trait, LocalTools.Value)]
public sealed class RedisRestartTests(ITestOutputHelper output, RedisServer server) : IClassFixture<RedisServer>
{
    /// <summary>Entries in the CI slice.</summary>
    private const int CiMessages = 2_000;

    /// <summary>The deadline of the CI slice; the long run's grows with its message count.</summary>
    private static readonly TimeSpan CiTimeout = TimeSpan.FromSeconds(60);

    /// <summary>An entry pending this long at a consumer is reclaimed (short: the server's restart leaves some behind).</summary>
    private static readonly TimeSpan ClaimMinIdleTime = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task A_stream_consumer_resumes_after_the_server_is_killed_and_restarted_without_losing_an_entry()
    {
        int count = SoakMessages.Count(CiMessages);
        TimeSpan timeout = SoakMessages.Budget(CiTimeout, count, CiMessages);
        int killAt = count / 3;
        using var collector = new SpanCollector();
        var tracer = new MessagingTracer(new MessagingTracingOptions
        {
            EnrichProducerSpan = (span, fields) => span.SetTag(ProducerLinks.MessageIdTag, IdOf((NameValueEntry[])fields)),
        });
        using ConnectionMultiplexer producing = await ConnectionMultiplexer.ConnectAsync(server.Configuration);
        using ConnectionMultiplexer consuming = await ConnectionMultiplexer.ConnectAsync(server.Configuration);
        const string stream = "orders";
        var consumer = new TracedStreamConsumer(
            consuming.GetDatabase(),
            tracer,
            stream,
            "billing",
            "billing-1",
            new TracedStreamConsumerOptions
            {
                GroupStartId = "0",
                Count = 50,
                MaxWait = TimeSpan.FromMilliseconds(200),
                ClaimMinIdleTime = ClaimMinIdleTime,
                ClaimInterval = TimeSpan.FromSeconds(1),
            });
        await consumer.EnsureGroupAsync();

        var handled = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var processed = new ConcurrentQueue<(string Id, Activity Span, bool Claimed)>();
        // Bounded by the test's deadline too: the consumer loop ends even when the test fails before it stops the loop.
        using var stopping = new CancellationTokenSource(timeout);
        int consumerFaults = 0;
        var stopwatch = Stopwatch.StartNew();

        // The application's consumer loop: RunAsync, started again when the connection fails under it.
        Task consumerLoop = Task.Run(async () =>
        {
            while (!stopping.IsCancellationRequested)
            {
                try
                {
                    await consumer.RunAsync(
                        (entry, _) =>
                        {
                            string id = entry.TryGetValue("id", out RedisValue value) ? value.ToString() : "?";
                            Assert.True(entry.TryGetValue("body", out RedisValue body) && body.ToString() == "payload " + id, $"payload of {id}");
                            handled.AddOrUpdate(id, 1, (_, n) => n + 1);
                            processed.Enqueue((id, Activity.Current!, entry.IsClaimed));
                            return Task.CompletedTask;
                        },
                        stopping.Token);
                }
                catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException or RedisServerException)
                {
                    Interlocked.Increment(ref consumerFaults);
                    await Task.Delay(TimeSpan.FromMilliseconds(100), CancellationToken.None);
                }
            }
        });

        // The producer: appends one after the other, retrying an append that fails while the server is away (the
        // application's job; an append whose reply was lost may be stored twice, which the consumer sees as a duplicate).
        IDatabase database = producing.GetDatabase();
        int sendRetries = 0;
        TimeSpan killedAt = TimeSpan.Zero;
        TimeSpan? firstAppendAfterKill = null;
        Task<TimeSpan>? restart = null;
        for (int i = 0; i < count; i++)
        {
            if (i == killAt)
            {
                await server.KillAsync();
                killedAt = stopwatch.Elapsed;
                restart = server.StartAsync();
            }

            string id = Id(i);
            NameValueEntry[] values = [new NameValueEntry("id", id), new NameValueEntry("body", "payload " + id)];
            while (true)
            {
                Assert.True(stopwatch.Elapsed < timeout, $"append {id} kept failing");
                try
                {
                    await database.StreamAddTracedAsync(tracer, stream, values);
                    if (i >= killAt)
                    {
                        firstAppendAfterKill ??= stopwatch.Elapsed;
                    }

                    break;
                }
                catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException or RedisServerException)
                {
                    sendRetries++;
                    await Task.Delay(TimeSpan.FromMilliseconds(50));
                }
            }
        }

        TimeSpan restartTime = await restart!;
        await Wait.UntilAsync(() => handled.Count == count, timeout - stopwatch.Elapsed, $"{count} entries handled (have {handled.Count})");
        await stopping.CancelAsync();
        await consumerLoop.WaitAsync(timeout);

        int handlerRuns = handled.Values.Sum();
        int lost = Enumerable.Range(0, count).Count(i => !handled.ContainsKey(Id(i)));
        IReadOnlyList<Activity> spans = collector.Spans;
        Dictionary<string, Activity[]> producers = spans.Where(a => a.Kind == ActivityKind.Producer && a.GetTagItem(ProducerLinks.MessageIdTag) is string)
            .GroupBy(a => (string)a.GetTagItem(ProducerLinks.MessageIdTag)!)
            .ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
        int unlinked = processed.Count(p => !producers.TryGetValue(p.Id, out Activity[]? own)
            || !(p.Claimed ? ProducerLinks.LinksToOneOf(p.Span, own) : ProducerLinks.FollowsFromOneOf(p.Span, own)));
        int claimed = processed.Count(p => p.Claimed);

        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"REPORT restart transport=redis scenario=server-sigkill messages={count} received={handled.Count} duplicates={handlerRuns - handled.Count} lost={lost} "
            + $"reclaimed={claimed} send_retries={sendRetries} consumer_faults={consumerFaults} restart_seconds={restartTime.TotalSeconds:0.00} "
            + $"outage_seconds={(firstAppendAfterKill.GetValueOrDefault() - killedAt).TotalSeconds:0.00} "
            + $"killed_at_seconds={killedAt.TotalSeconds:0.0} unlinked={unlinked} seconds={stopwatch.Elapsed.TotalSeconds:0.0}"));
        Assert.Equal(0, lost);
        Assert.Equal(0, unlinked);
        Assert.Equal(handlerRuns, processed.Count);
    }

    private static string Id(int i) => "e-" + i.ToString("D7", CultureInfo.InvariantCulture);

    private static string IdOf(NameValueEntry[] values)
    {
        foreach (NameValueEntry value in values)
        {
            if (value.Name == "id")
            {
                return value.Value.ToString();
            }
        }

        return "?";
    }
}
