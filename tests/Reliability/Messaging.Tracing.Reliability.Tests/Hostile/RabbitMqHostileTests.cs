using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Messaging.Tracing.Brokers;
using Messaging.Tracing.Propagation;
using Messaging.Tracing.RabbitMQ;
using Messaging.Tracing.Testing;
using Messaging.Tracing.Testing.Hostile;
using OpenTelemetry;
using RabbitMQ.Client;
using Xunit;
using Xunit.Abstractions;

namespace Messaging.Tracing.Reliability.Tests.Hostile;

/// <summary>
/// Hostile header tables published raw with <c>BasicPublishAsync</c> — long strings from the corpus, and values of every
/// other AMQP type — consumed by <see cref="TracedAsyncEventingBasicConsumer"/> (<c>BasicConsumeTracedAsync</c>) with
/// manual acks on the shared RabbitMQ broker.
/// </summary>
public sealed class RabbitMqHostileTests(RabbitMqBroker broker, ITestOutputHelper output) : IClassFixture<RabbitMqBroker>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public static TheoryData<string> Cases() => HostileCases.Amqp();

    public static TheoryData<string, string> TypedCases() => AmqpValues.TypesAndHeaders();

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_hostile_message_is_delivered_once_unchanged_and_acked(string name)
    {
        HostileHeaderCase hostile = HostileCases.Get(name);
        var headers = new Dictionary<string, object?>();
        foreach (HostileHeader header in hostile.Headers)
        {
            headers[header.Name] = header.GetBytes();
        }

        (double elapsed, IDictionary<string, object?> received) = await RunAsync(hostile, headers);

        ExtractionCost cost = ExtractionCost.Measure(() => MessagingTracer.Default.Extract(received, RabbitMqHeadersCarrierAdapter.Instance));
        output.WriteLine(FormattableString.Invariant($"REPORT hostile transport=rabbitmq case={name} bytes={hostile.Size} outcome={hostile.Outcome} delivered=1 handled=1 e2e_ms={elapsed:0.0} {cost}"));
        Assert.InRange(cost.Microseconds, 0, ExtractionCost.TimeLimit.TotalMicroseconds);
        Assert.InRange(cost.AllocatedBytes, 0, ExtractionCost.AllocationLimit);
    }

    [Theory]
    [MemberData(nameof(TypedCases))]
    public async Task A_header_of_any_AMQP_type_is_delivered_once_unchanged_and_acked(string type, string header)
    {
        bool text = AmqpValues.TextTypes.Contains(type);
        (HostileHeaderCase expected, string value) = header switch
        {
            PropagationHeaderNames.TraceParent => (
                new HostileHeaderCase($"amqp-{type}-{header}", $"An AMQP {type} traceparent.", [], text ? HostileHeaderOutcome.Continue : HostileHeaderOutcome.NewTrace, parent: HostileHeaderCorpus.ValidParent),
                HostileHeaderCorpus.ValidTraceParent),
            PropagationHeaderNames.TraceState => (
                new HostileHeaderCase($"amqp-{type}-{header}", $"An AMQP {type} tracestate.", [], HostileHeaderOutcome.Continue, parent: HostileHeaderCorpus.ValidParent, traceState: text ? HostileHeaderCorpus.ValidTraceState : null),
                HostileHeaderCorpus.ValidTraceState),
            _ => (
                new HostileHeaderCase($"amqp-{type}-{header}", $"An AMQP {type} baggage.", [], HostileHeaderOutcome.Continue, parent: HostileHeaderCorpus.ValidParent, baggage: text ? [new("user", "alice")] : []),
                "user=alice"),
        };
        var headers = new Dictionary<string, object?> { [header] = AmqpValues.Create(type, value) };
        if (header != PropagationHeaderNames.TraceParent)
        {
            headers[PropagationHeaderNames.TraceParent] = System.Text.Encoding.UTF8.GetBytes(HostileHeaderCorpus.ValidTraceParent);
        }

        bool reported = !text && type != "null";
        (double elapsed, _) = await RunAsync(expected, headers, reported ? [header] : []);

        output.WriteLine(FormattableString.Invariant($"REPORT hostile transport=rabbitmq case=amqp-{type}-{header} outcome={expected.Outcome} delivered=1 handled=1 e2e_ms={elapsed:0.0}"));
    }

    private async Task<(double ElapsedMilliseconds, IDictionary<string, object?> Received)> RunAsync(HostileHeaderCase hostile, Dictionary<string, object?> headers, params string[] alsoReported)
    {
        string queue = broker.UniqueName("hostile.q");
        byte[] payload = HostilePayload.For(hostile.Name);

        // A channel's consumer dispatcher keeps the async context the channel was created in: collect from there.
        using var collector = new SpanCollector();
        using var diagnostics = new DiagnosticsRecorder();
        IChannel consumerChannel = await broker.CreateChannelAsync();
        await consumerChannel.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: false);
        try
        {
            await using (IChannel publisher = await broker.Connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true)))
            {
                await publisher.BasicPublishAsync(string.Empty, queue, mandatory: true, new BasicProperties { Headers = headers, MessageId = hostile.Name }, (byte[])payload.Clone());
            }

            int calls = 0;
            var handled = new TaskCompletionSource<(byte[] Body, IReadOnlyDictionary<string, string> Baggage, Activity? Current, IDictionary<string, object?> Headers)>(TaskCreationOptions.RunContinuationsAsynchronously);
            var stopwatch = Stopwatch.StartNew();
            string tag = await consumerChannel.BasicConsumeTracedAsync(MessagingTracer.Default, queue, autoAck: false, async (delivery, _) =>
            {
                Interlocked.Increment(ref calls);
                var seen = (delivery.Body.ToArray(), Baggage.Current.GetBaggage(), Activity.Current, delivery.BasicProperties.Headers!);
                await consumerChannel.BasicAckAsync(delivery.DeliveryTag, multiple: false);
                handled.TrySetResult(seen);
            });

            (byte[] body, IReadOnlyDictionary<string, string> baggage, Activity? inHandler, IDictionary<string, object?> received) = await handled.Task.WaitAsync(Timeout);
            double elapsed = stopwatch.Elapsed.TotalMilliseconds;
            Activity process = (await collector.WaitForAsync(spans => spans.Any(s => s.Kind == ActivityKind.Consumer), Timeout)).Single(s => s.Kind == ActivityKind.Consumer);
            await consumerChannel.BasicCancelAsync(tag);
            await consumerChannel.CloseAsync();

            Assert.Equal(1, calls);
            Assert.Equal(payload, body);
            Assert.Same(process, inHandler);
            await using (IChannel check = await broker.CreateChannelAsync())
            {
                QueueDeclareOk state = await check.QueueDeclarePassiveAsync(queue);
                Assert.Equal(0u, state.MessageCount);
            }

            HostileAssert.Context(hostile, process, baggage);
            HostileAssert.Diagnostics(hostile, diagnostics, alsoReported);
            Assert.Equal(1, calls);
            return (elapsed, received);
        }
        finally
        {
            await using IChannel cleanup = await broker.CreateChannelAsync();
            await cleanup.QueueDeleteAsync(queue);
            await consumerChannel.DisposeAsync();
        }
    }
}
