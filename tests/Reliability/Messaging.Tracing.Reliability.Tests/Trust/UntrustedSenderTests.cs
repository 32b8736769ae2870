using System.Threading.Tasks;
using Messaging.Tracing.Brokers;
using Messaging.Tracing.Testing;
using Xunit;

namespace Messaging.Tracing.Reliability.Tests.Trust;

/// <summary>
/// Two consumers of the same message on each transport, one trusting the sender and one not, configured per consumer
/// (per endpoint for MassTransit): the untrusted one never makes the incoming context its parent and drops its baggage;
/// the trusted one next to it continues the trace.
/// </summary>
[Collection(TrustBrokers.Name)]
public class UntrustedSenderTests(KafkaCluster kafka, RabbitMqBroker rabbitMq, RedisBroker redis)
{
    private const int TrustedSubscriber = 0;
    private const int UntrustedSubscriber = 1;

    private readonly Wires _wires = new(kafka, rabbitMq, redis);

    /// <summary>Transport × (tracer trusts by default, untrusted context linked).</summary>
    public static TheoryData<string, bool, bool> Cases()
    {
        var cases = new TheoryData<string, bool, bool>();
        foreach (string transport in Wires.All)
        {
            cases.Add(transport, true, true);
            cases.Add(transport, true, false);
            cases.Add(transport, false, true);
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task An_untrusted_consumer_starts_a_new_trace_without_baggage_while_a_trusted_one_continues(
        string transport,
        bool tracerTrusts,
        bool linkUntrusted)
    {
        // The per-consumer setting overrides the tracer's, either way: the consumer that differs from the default says so.
        var tracer = new MessagingTracer(new MessagingTracingOptions { TrustIncomingContext = tracerTrusts, LinkUntrustedContext = linkUntrusted });
        bool? trusted = tracerTrusts ? null : true;
        bool? untrusted = tracerTrusts ? false : null;
        await using Wire wire = await _wires.CreateAsync(transport, tracer, trusted, untrusted);
        using var collector = new SpanCollector();
        using (collector.StartRootSpan("request"))
        using (SentBaggage.Use())
        {
            await wire.SendAsync(tracer);
        }

        HandlerView? trustedView = null;
        HandlerView? untrustedView = null;
        await wire.ProcessOneAsync(tracer, trusted, TrustedSubscriber, raw =>
        {
            trustedView = HandlerView.Capture(Wires.Single(raw, "traceparent"));
            return Task.CompletedTask;
        });
        await wire.ProcessOneAsync(tracer, untrusted, UntrustedSubscriber, raw =>
        {
            untrustedView = HandlerView.Capture(Wires.Single(raw, "traceparent"));
            return Task.CompletedTask;
        });

        Assert.NotNull(trustedView);
        Assert.NotNull(untrustedView);
        trustedView.AssertContinued(SentBaggage.Members);
        untrustedView.AssertNewRoot(linkUntrusted);
    }
}
