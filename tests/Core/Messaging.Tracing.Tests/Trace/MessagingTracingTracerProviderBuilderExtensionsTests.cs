using System.Collections.Generic;
using System.Diagnostics;
using Messaging.Tracing.Spans;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;
using OpenTelemetry.Trace;
using Xunit;

namespace Messaging.Tracing.Tests.Trace;

[Collection(GlobalStateCollection.Name)]
public class MessagingTracingTracerProviderBuilderExtensionsTests
{
    [Fact]
    public void The_tracer_provider_receives_messaging_spans_and_keeps_the_applications_sampler()
    {
        var exported = new List<Activity>();
        TextMapPropagator propagatorBefore = Propagators.DefaultTextMapPropagator;
        using (TracerProvider provider = Sdk.CreateTracerProviderBuilder()
            .AddMessagingTracing()
            .SetSampler(new AlwaysOffSampler())
            .AddProcessor(new CollectingProcessor(exported))
            .Build())
        {
            using (MessagingTracer.Default.StartProducer(new MessagingOperation("kafka", MessagingOperationType.Send, "send", "off")))
            {
            }
        }

        using (TracerProvider provider = Sdk.CreateTracerProviderBuilder()
            .AddMessagingTracing()
            .AddProcessor(new CollectingProcessor(exported))
            .Build())
        {
            using (MessagingTracer.Default.StartProducer(new MessagingOperation("kafka", MessagingOperationType.Send, "send", "on")))
            {
            }
        }

        Activity span = Assert.Single(exported);
        Assert.Equal("send on", span.DisplayName);
        Assert.Same(propagatorBefore, Propagators.DefaultTextMapPropagator);
    }

    private sealed class CollectingProcessor(List<Activity> exported) : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data) => exported.Add(data);
    }
}
