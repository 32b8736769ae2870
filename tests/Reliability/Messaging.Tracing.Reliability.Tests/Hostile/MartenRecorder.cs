using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using JasperFx.Events;
using Marten;
using Messaging.Tracing.Marten.Subscriptions;
using OpenTelemetry;

namespace Messaging.Tracing.Reliability.Tests.Hostile;

/// <summary>A traced Marten subscription that records each event it handles with the span and baggage its handler saw.</summary>
public sealed class MartenRecorder : TracedSubscription
{
    /// <summary>Initializes the subscription.</summary>
    /// <param name="tracer">The tracer of the process spans.</param>
    /// <param name="name">The subscription's name (its shard is <c>{name}:All</c>).</param>
    public MartenRecorder(MessagingTracer tracer, string name)
        : base(tracer)
    {
        Name = name;
    }

    /// <summary>Gets the shard name the daemon runs this subscription under.</summary>
    public string ShardName => Name + ":All";

    /// <summary>Gets every event handled, in the order handled, with <see cref="Activity.Current"/> and the baggage in the handler.</summary>
    public ConcurrentQueue<(IEvent Event, Activity? Span, IReadOnlyDictionary<string, string> Baggage)> Handled { get; } = new();

    /// <inheritdoc/>
    protected override Task HandleAsync(IEvent storedEvent, IDocumentOperations operations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(storedEvent);
        Handled.Enqueue((storedEvent, Activity.Current, Baggage.Current.GetBaggage()));
        return Task.CompletedTask;
    }
}
