using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Messaging.Tracing.Testing;
using Messaging.Tracing.Testing.Hostile;
using RabbitMQ.Client;
using Xunit;
using Xunit.Abstractions;

namespace Messaging.Tracing.Reliability.Tests.Hostile;

/// <summary>
/// MassTransit-shaped messages published raw over AMQP with hostile header tables (corpus values and every AMQP type),
/// consumed by a MassTransit consumer on a bus with <c>UseMessagingTracing</c>.
/// </summary>
public sealed class MassTransitRabbitMqHostileTests(RabbitMqHostileBus bus, ITestOutputHelper output) : IClassFixture<RabbitMqHostileBus>
{
    public static TheoryData<string> Cases() => HostileCases.Amqp();

    public static TheoryData<string> Types() => new(AmqpValues.Types);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_hostile_message_is_consumed_once_unchanged_and_acked(string name)
    {
        HostileHeaderCase hostile = HostileCases.Get(name);
        var headers = new Dictionary<string, object?>();
        foreach (HostileHeader header in hostile.Headers)
        {
            headers[header.Name] = header.GetBytes();
        }

        // MassTransit's RabbitMQ transport does not show a consumer a header whose value is empty: it reads as absent.
        string[] hidden = hostile.Headers.Where(h => h.Length == 0).Select(h => h.Name).ToArray();
        double elapsed = await RunAsync(hostile, headers, [], hidden);
        output.WriteLine(FormattableString.Invariant($"REPORT hostile transport=masstransit-rabbitmq case={name} bytes={hostile.Size} outcome={hostile.Outcome} delivered=1 handled=1 e2e_ms={elapsed:0.0}"));
    }

    [Theory]
    [MemberData(nameof(Types))]
    public async Task A_traceparent_of_any_AMQP_type_is_consumed_once_unchanged_and_acked(string type)
    {
        bool text = AmqpValues.TextTypes.Contains(type);
        var expected = new HostileHeaderCase(
            $"amqp-{type}-traceparent",
            $"An AMQP {type} traceparent.",
            [],
            text ? HostileHeaderOutcome.Continue : HostileHeaderOutcome.NewTrace,
            parent: HostileHeaderCorpus.ValidParent);
        var headers = new Dictionary<string, object?> { ["traceparent"] = AmqpValues.Create(type, HostileHeaderCorpus.ValidTraceParent) };

        double elapsed = await RunAsync(expected, headers, text || type == "null" ? [] : ["traceparent"], []);
        output.WriteLine(FormattableString.Invariant($"REPORT hostile transport=masstransit-rabbitmq case=amqp-{type}-traceparent outcome={expected.Outcome} delivered=1 handled=1 e2e_ms={elapsed:0.0}"));
    }

    private static byte[] Envelope(string caseName, byte[] data) => Encoding.UTF8.GetBytes(
        $$$"""{"messageId":"{{{Guid.NewGuid()}}}","messageType":["urn:message:{{{typeof(HostileOrder).Namespace}}}:{{{nameof(HostileOrder)}}}"],"message":{"caseName":"{{{caseName}}}","data":"{{{Convert.ToBase64String(data)}}}"}}""");

    private async Task<double> RunAsync(HostileHeaderCase hostile, Dictionary<string, object?> headers, string[] alsoReported, string[] hidden)
    {
        // The consumer runs on MassTransit's threads: the collector's listener makes the spans, the probe keeps them.
        using var collector = new SpanCollector(new SpanCollectorOptions { CaptureAll = true });
        using var diagnostics = new DiagnosticsRecorder();
        string caseName = hostile.Name + "#" + Guid.NewGuid().ToString("N");
        byte[] payload = HostilePayload.For(hostile.Name);
        byte[] body = Envelope(caseName, payload);
        var stopwatch = Stopwatch.StartNew();
        await PublishAsync(body, headers);

        HostileOrderCall call = await bus.Probe.WaitForAsync(caseName, HostileBus.Timeout);
        double elapsed = stopwatch.Elapsed.TotalMilliseconds;

        // One message at a time: the sentinel is delivered only once the hostile message was acknowledged.
        await PublishAsync(Envelope(caseName + "#sentinel", []), new Dictionary<string, object?>());
        await bus.Probe.WaitForAsync(caseName + "#sentinel", HostileBus.Timeout);
        Assert.Single(bus.Probe.CallsFor(caseName));
        Assert.Equal(body, call.Body);
        Assert.Equal(payload, call.Data);
        HostileAssert.Context(hostile, call.Activity!, call.Baggage);
        HostileAssert.Diagnostics(hostile, diagnostics, alsoReported, hidden);
        return elapsed;
    }

    private async Task PublishAsync(byte[] body, IDictionary<string, object?> headers)
    {
        await using IChannel channel = await bus.Broker.Connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        var properties = new BasicProperties { ContentType = "application/vnd.masstransit+json", Headers = headers, MessageId = Guid.NewGuid().ToString() };
        await channel.BasicPublishAsync(string.Empty, bus.Endpoint, mandatory: true, properties, body);
    }
}
