using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;

namespace Messaging.Tracing.Marten.Tests;

/// <summary>An event projection that records, per event, the current span and the event's <c>traceparent</c> header.</summary>
internal sealed class CurrentSpanProjection(Action<Activity?, object?> record) : EventProjection
{
    public override ValueTask ApplyAsync(IDocumentOperations operations, IEvent e, CancellationToken cancellation)
    {
        record(Activity.Current, e.GetHeader("traceparent"));
        return ValueTask.CompletedTask;
    }
}
