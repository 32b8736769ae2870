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
    public RecordingSubscription(MessagingTracer tracer)
        : base(tracer)
    {
        Name = "Recorder";
    }

    public ConcurrentQueue<(IEvent Event, Activity? Current)> Handled { get; } = new();

    protected override Task HandleAsync(IEvent storedEvent, IDocumentOperations operations, CancellationToken cancellationToken)
    {
        Handled.Enqueue((storedEvent, Activity.Current));
        return Task.CompletedTask;
    }
}
