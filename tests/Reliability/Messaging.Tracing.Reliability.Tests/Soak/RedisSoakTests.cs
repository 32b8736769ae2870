using System;
using System.Threading;
using System.Threading.Tasks;
using Messaging.Tracing.Brokers;
using Messaging.Tracing.Redis;
using StackExchange.Redis;
using Xunit;
using Xunit.Abstractions;

namespace Messaging.Tracing.Reliability.Tests.Soak;

/// <summary>
/// Redis Streams soak on the shared server: <c>StreamAddTracedAsync</c> with many appends in flight, and
/// <see cref="Consumers"/> <see cref="TracedStreamConsumer"/>s of one consumer group reading concurrently (the concurrency
/// a stream group offers: one flow per consumer), each acknowledging an entry after its handler.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class RedisSoakTests(RedisBroker broker, ITestOutputHelper output) : IClassFixture<RedisBroker>
{
    private const int ProducerConcurrency = 32;
    private const int Consumers = 4;
    private const string PayloadField = "payload";

    private static readonly TracedStreamConsumerOptions ReadSettings = new()
    {
        GroupStartId = "0",
        Count = 16,
        MaxWait = TimeSpan.FromMilliseconds(100),
        PollInterval = TimeSpan.FromMilliseconds(10),

        // Nothing is left pending in a healthy run; claiming would only hide a lost acknowledgement as a duplicate.
        ClaimMinIdleTime = null,
    };

    [Fact]
    public async Task Consumers_of_one_group_keep_each_message_its_own_context_and_lose_nothing()
    {
        string stream = broker.UniqueStreamName("soak");
        IDatabase database = broker.Database;
        using var run = new SoakRun("redis", SoakSettings.Messages);
        var consumers = new TracedStreamConsumer[Consumers];
        for (int i = 0; i < Consumers; i++)
        {
            consumers[i] = new TracedStreamConsumer(database, MessagingTracer.Default, stream, "soak", $"consumer-{i}", ReadSettings);
        }

        await consumers[0].EnsureGroupAsync();
        using var stopping = new CancellationTokenSource();
        var loops = new Task[Consumers];
        for (int i = 0; i < Consumers; i++)
        {
            loops[i] = ConsumeAsync(consumers[i], run, stopping.Token);
        }

        SoakReport report;
        try
        {
            report = await run.RunAsync((_, payload) => database.StreamAddTracedAsync(MessagingTracer.Default, stream, [new NameValueEntry(PayloadField, payload)]), ProducerConcurrency);
        }
        finally
        {
            await stopping.CancelAsync();
            await Task.WhenAll(loops);
        }

        output.WriteLine(report.ToReportLine());
        report.AssertHealthy();
    }

    private static async Task ConsumeAsync(TracedStreamConsumer consumer, SoakRun run, CancellationToken stopping)
    {
        await Task.Yield();
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                run.CheckAmbientClean();
                await consumer.ReadAndProcessAsync(
                    (entry, _) => run.HandleAsync(entry.TryGetValue(PayloadField, out RedisValue payload) ? (string?)payload ?? string.Empty : string.Empty),
                    stopping);
                run.CheckAmbientClean();
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // How the loop ends.
        }
    }
}
