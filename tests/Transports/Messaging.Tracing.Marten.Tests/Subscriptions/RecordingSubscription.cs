using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using JasperFx.Events;
using Marten;
using Messaging.Tracing.Marten.Subscriptions;

namespace Messaging.Tracing.Marten.Tests.Subscriptions;

/// <summary>A traced subscription that records each event it handles with the span current in the handler.</summary>
internal sealed class RecordingSubscription : TracedSubscription
{
    public RecordingSubscription(MessagingTracer tracer, string name = "Recorder")
        : base(tracer)
    {
        Name = name;
    }

    public ConcurrentQueue<(IEvent Event, Activity? Current)> Handled { get; } = new();

    /// <summary>When set, handling an event of this type throws <see cref="InvalidOperationException"/>.</summary>
    public Type? FailOn { get; init; }

    /// <summary>The subscription's <see cref="TracedSubscription.LiveWindow"/>.</summary>
    public TimeSpan Window
    {
        get => LiveWindow;
        init => LiveWindow = value;
    }

    protected override Task HandleAsync(IEvent storedEvent, IDocumentOperations operations, CancellationToken cancellationToken)
    {
        Handled.Enqueue((storedEvent, Activity.Current));
        if (storedEvent.EventType == FailOn)
        {
            throw new InvalidOperationException("The handler failed.");
        }

        return Task.CompletedTask;
    }
}
