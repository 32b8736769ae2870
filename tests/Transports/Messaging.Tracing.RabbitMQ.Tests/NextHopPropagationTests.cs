using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Messaging.Tracing.Brokers;
using Messaging.Tracing.Testing;
using RabbitMQ.Client;
using Xunit;

namespace Messaging.Tracing.RabbitMQ.Tests;

/// <summary>
/// A message from a W3C Trace Context Level 2 / W3C Baggage producer (flags <c>03</c>, Level 2 <c>tracestate</c> keys, baggage
/// member properties) is processed, and the handler publishes on: the next hop's headers carry all of it — with this library's
/// spans alone, and with RabbitMQ.Client's own sources listened (its deliver span bridged; it writes its own headers too).
/// </summary>
[Collection(RabbitMqClientTracingCollection.Name)]
public class NextHopPropagationTests(RabbitMqBroker broker)
{
    /// <summary>
    /// With and without RabbitMQ.Client's sources listened, and the producer's header values as AMQP byte arrays (which
    /// RabbitMQ.Client's own instrumentation does not read, so its deliver span cannot continue the trace) or as strings.
    /// </summary>
    public static TheoryData<bool, bool> Cases =>
#if RABBITMQ_CLIENT_FLOOR
        // RabbitMQ.Client 7.1's deliver span always starts a new trace (link-only): no next hop in the producer's trace.
        new() { { false, true }, { false, false } };
#else
        new() { { false, true }, { false, false }, { true, true }, { true, false } };
#endif

    [Trait(LocalTools.Trait, LocalTools.Value)]
    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Random_flag_trace_state_and_baggage_properties_reach_the_next_hop(bool clientSourcesListened, bool headersAsBytes)
    {
        using var publisherAsParent = new UsePublisherAsParentSetting(clientSourcesListened);
        using SpanCollector collector = clientSourcesListened
            ? new SpanCollector(RabbitMQActivitySource.PublisherSourceName, RabbitMQActivitySource.SubscriberSourceName)
            : new SpanCollector();

        // Channels opened after the collector deliver in this test's flow, so the spans of a foreign trace belong to it.
        await using RabbitMqTestQueue incoming = await RabbitMqTestQueue.CreateAsync(broker);
        await using RabbitMqTestQueue next = await RabbitMqTestQueue.CreateAsync(broker);

        // The foreign producer (Python's pika): RabbitMQ.Client's own instrumentation, listened here, cannot touch its headers.
        IReadOnlyDictionary<string, string> none = new Dictionary<string, string>();
        await PikaPublisher.PublishAsync(
            broker,
            incoming.Exchange,
            RabbitMqTestQueue.RoutingKey,
            "order-1",
            bytesHeaders: headersAsBytes ? NextHopHeaders.Headers : none,
            textHeaders: headersAsBytes ? none : NextHopHeaders.Headers);

        var tracer = new MessagingTracer(new MessagingTracingOptions());
        await incoming.Consumer.BasicConsumeTracedAsync(tracer, incoming.Name, autoAck: true, async (delivery, _) =>
            await next.Publisher.BasicPublishTracedAsync(
                tracer, next.Exchange, RabbitMqTestQueue.RoutingKey, mandatory: false, new BasicProperties(), delivery.Body.ToArray()));

        BasicGetResult relayed = await next.GetAsync();
        Activity send = Assert.Single(
            await collector.WaitForAsync(s => s.Any(a => a.Kind == ActivityKind.Producer && a.IsStopped), RabbitMqTestQueue.Timeout),
            s => s.Kind == ActivityKind.Producer);
        NextHopHeaders.EnsureCarried(Header(relayed, "traceparent"), Header(relayed, "tracestate"), Header(relayed, "baggage"), send);
    }

    private static string? Header(BasicGetResult message, string key) =>
        message.BasicProperties.Headers?.TryGetValue(key, out object? value) == true && value is byte[] bytes ? Encoding.UTF8.GetString(bytes) : null;
}
