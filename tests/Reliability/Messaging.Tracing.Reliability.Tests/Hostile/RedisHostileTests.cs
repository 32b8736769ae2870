using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using Messaging.Tracing.Brokers;
using Messaging.Tracing.Redis;
using Messaging.Tracing.Testing;
using Messaging.Tracing.Testing.Hostile;
using OpenTelemetry;
using StackExchange.Redis;
using Xunit;
using Xunit.Abstractions;

namespace Messaging.Tracing.Reliability.Tests.Hostile;

/// <summary>Hostile fields appended with a raw <c>XADD</c>, consumed by <see cref="TracedStreamConsumer"/> in a consumer group.</summary>
public sealed class RedisHostileTests(RedisBroker broker, ITestOutputHelper output) : IClassFixture<RedisBroker>
{
    private const string BodyField = "body";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public static TheoryData<string> Cases() => HostileCases.NoNulls();

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_hostile_entry_is_delivered_once_unchanged_and_acknowledged(string name)
    {
        HostileHeaderCase hostile = HostileHeaderCorpus.Get(name);
        string stream = broker.UniqueStreamName("hostile");
        string group = "group-" + Guid.NewGuid().ToString("N");
        byte[] payload = HostilePayload.For(name);
        var values = new List<NameValueEntry> { new(BodyField, (byte[])payload.Clone()) };
        foreach (HostileHeader header in hostile.Headers)
        {
            values.Add(new(header.Name, header.GetBytes()));
        }

        RedisValue id = await broker.Database.StreamAddAsync(stream, [.. values]);

        using var collector = new SpanCollector();
        using var diagnostics = new DiagnosticsRecorder();
        var consumer = new TracedStreamConsumer(
            broker.Database,
            MessagingTracer.Default,
            stream,
            group,
            "hostile-1",
            new TracedStreamConsumerOptions { GroupStartId = "0", MaxWait = TimeSpan.FromMilliseconds(100), PollInterval = TimeSpan.FromMilliseconds(20) });
        int calls = 0;
        byte[]? received = null;
        IReadOnlyDictionary<string, string> baggage = new Dictionary<string, string>();
        Activity? inHandler = null;
        StreamMessage? message = null;
        var stopwatch = Stopwatch.StartNew();

        await Wait.UntilAsync(
            async () =>
            {
                IReadOnlyList<StreamMessage> handled = await consumer.ReadAndProcessAsync((m, _) =>
                {
                    calls++;
                    received = m.TryGetValue(BodyField, out RedisValue body) ? (byte[]?)body : null;
                    baggage = Baggage.Current.GetBaggage();
                    inHandler = Activity.Current;
                    return Task.CompletedTask;
                });
                message = handled.SingleOrDefault();
                return handled.Count > 0;
            },
            Timeout,
            $"the entry on {stream}");
        double elapsed = stopwatch.Elapsed.TotalMilliseconds;

        Assert.Equal(1, calls);
        Assert.Equal(id, message!.Id);
        Assert.Equal(payload, received);
        Assert.Empty(await consumer.ReadAndProcessAsync((_, _) => throw new InvalidOperationException("a second delivery")));
        Assert.Empty(await broker.Database.StreamPendingMessagesAsync(stream, group, 10, RedisValue.Null));
        Activity process = Assert.Single(collector.Spans, s => s.Kind == ActivityKind.Consumer);
        Assert.Same(process, inHandler);
        HostileAssert.Context(hostile, process, baggage);
        HostileAssert.Diagnostics(hostile, diagnostics);
        Assert.Null(Activity.Current);

        ExtractionCost cost = ExtractionCost.Measure(() => message.ExtractTraceContext(MessagingTracer.Default));
        output.WriteLine(FormattableString.Invariant($"REPORT hostile transport=redis case={name} bytes={hostile.Size} outcome={hostile.Outcome} delivered=1 handled={calls} e2e_ms={elapsed:0.0} {cost}"));
        Assert.InRange(cost.Microseconds, 0, ExtractionCost.TimeLimit.TotalMicroseconds);
        Assert.InRange(cost.AllocatedBytes, 0, ExtractionCost.AllocationLimit);
    }
}
