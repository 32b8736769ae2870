using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using JasperFx.Events;
using Marten;
using Messaging.Tracing.Marten.Projections;

namespace Messaging.Tracing.Marten.Tests.Projections;

/// <summary>A traced event projection that records each event it handles with the span current in the handler.</summary>
internal sealed class RecordingProjection : TracedEventProjection
{
    public RecordingProjection(MessagingTracer tracer, string name = "Recorder")
        : base(tracer)
    {
        Name = name;
    }

    public ConcurrentQueue<(IEvent Event, Activity? Current)> Handled { get; } = new();

    /// <summary>When set, handling an event of this type throws <see cref="InvalidOperationException"/>.</summary>
    public Type? FailOn { get; init; }

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
