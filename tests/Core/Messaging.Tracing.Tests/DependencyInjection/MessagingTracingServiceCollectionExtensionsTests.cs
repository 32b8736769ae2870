using System;
using System.Collections.Generic;
using Messaging.Tracing.Events;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using Xunit;

namespace Messaging.Tracing.Tests.DependencyInjection;

public class MessagingTracingServiceCollectionExtensionsTests
{
    [Fact]
    public void Registers_one_tracer_with_every_configuration_applied()
    {
        var services = new ServiceCollection();
        services.AddMessagingTracing(o => o.DefaultRelationship = MessageRelationship.ChildOf);
        services.AddMessagingTracing(o => o.TrustIncomingContext = false);

        using ServiceProvider provider = services.BuildServiceProvider();
        MessagingTracer tracer = provider.GetRequiredService<MessagingTracer>();

        Assert.Same(tracer, provider.GetRequiredService<MessagingTracer>());
        Assert.Equal(MessageRelationship.ChildOf, tracer.Options.DefaultRelationship);
        Assert.False(tracer.Options.TrustIncomingContext);
    }

    [Fact]
    public void The_registered_event_tracer_writes_with_the_registered_tracers_options()
    {
        var services = new ServiceCollection();
        services.AddMessagingTracing(o => o.OutboundBaggageFilter = BaggageKeyFilter.Deny("user.email"));
        using ServiceProvider provider = services.BuildServiceProvider();
        EventTracer events = provider.GetRequiredService<EventTracer>();
        var metadata = new Dictionary<string, string>();

        Baggage previous = Baggage.Current;
        try
        {
            Baggage.Current = Baggage.Create(new Dictionary<string, string> { ["user.email"] = "alice@example.com", ["tenant"] = "t1" });
            events.Write(metadata);
        }
        finally
        {
            Baggage.Current = previous;
        }

        Assert.Same(events, provider.GetRequiredService<EventTracer>());
        Assert.Equal("tenant=t1", metadata[EventMetadataKeys.Baggage]);
    }

    [Fact]
    public void Invalid_options_fail_when_the_tracer_is_resolved()
    {
        var services = new ServiceCollection();
        services.AddMessagingTracing(o => o.DefaultRelationship = (MessageRelationship)7);

        using ServiceProvider provider = services.BuildServiceProvider();

        Assert.Throws<ArgumentOutOfRangeException>(() => provider.GetRequiredService<MessagingTracer>());
    }

    [Fact]
    public void Null_services_are_rejected()
    {
        Assert.Throws<ArgumentNullException>(() => MessagingTracingServiceCollectionExtensions.AddMessagingTracing(null!));
    }
}
