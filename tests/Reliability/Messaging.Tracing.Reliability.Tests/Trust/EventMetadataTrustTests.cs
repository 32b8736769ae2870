using System.Collections.Generic;
using Messaging.Tracing.Events;
using Messaging.Tracing.Spans;
using Messaging.Tracing.Testing;
using Xunit;

namespace Messaging.Tracing.Reliability.Tests.Trust;

/// <summary>
/// Stored event metadata from a source a subscriber does not trust (events imported from another system): the subscriber
/// starts a new trace without the stored baggage, while a trusting subscriber of the same event follows from the append.
/// </summary>
public class EventMetadataTrustTests
{
    [Theory]
    [InlineData(true, true)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void An_untrusting_subscriber_starts_a_new_trace_without_baggage_while_a_trusting_one_follows_from_the_append(
        bool tracerTrusts,
        bool linkUntrusted)
    {
        var events = new EventTracer(new MessagingTracer(new MessagingTracingOptions { TrustIncomingContext = tracerTrusts, LinkUntrustedContext = linkUntrusted }));
        bool? trusted = tracerTrusts ? null : true;
        bool? untrusted = tracerTrusts ? false : null;
        using var collector = new SpanCollector();
        var metadata = new Dictionary<string, string>();
        using (collector.StartRootSpan("request"))
        using (SentBaggage.Use())
        using (AppendScope append = events.StartAppend("partner-42"))
        {
            events.Write(metadata, append.Activity, correlationId: "req-1");
        }

        HandlerView trustedView;
        using (events.StartHandling(metadata, "catalog", EventDelivery.Live, trusted: trusted))
        {
            trustedView = HandlerView.Capture(metadata[EventMetadataKeys.TraceParent]);
        }

        HandlerView untrustedView;
        using (ProcessScope scope = events.StartHandling(metadata, "partner-import", EventDelivery.Live, trusted: untrusted))
        {
            untrustedView = HandlerView.Capture(metadata[EventMetadataKeys.TraceParent]);
        }

        trustedView.AssertContinued(SentBaggage.Members);
        untrustedView.AssertNewRoot(linkUntrusted);
    }
}
