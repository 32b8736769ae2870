using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Marten;
using Marten.Services;
using JasperFx.Events;
using Messaging.Tracing.Diagnostics;
using Messaging.Tracing.Instruments;
using Messaging.Tracing.Spans;

namespace Messaging.Tracing.Marten;

/// <summary>
/// The session listener that traces appends: once per <c>SaveChangesAsync</c> with pending events, an <c>append</c> span
/// (Producer) whose context every pending event carries in its headers, and Marten's correlation and causation ids filled
/// where the application left them empty.
/// </summary>
/// <remarks>
/// Marten calls <see cref="BeforeSaveChangesAsync"/> after it has prepared the events (versions, sequences, the session's
/// metadata, inline projections) and before it sends the batch; the events' headers are serialized when the batch is sent,
/// so what is written here is stored. The span starts there and becomes current, so the database work of the save (Marten's
/// and Npgsql's spans, when enabled) nests under it, and ends in <see cref="AfterCommitAsync"/>. Both methods complete
/// synchronously on purpose: the current span they set flows back into <c>SaveChangesAsync</c>, whose end restores the
/// caller's. A save that fails after this listener ran gets no <see cref="AfterCommitAsync"/> from Marten: its span is
/// never ended, so never exported, and is dropped with the session.
/// <para>
/// Metrics: one send measurement per save with events, ended with the span — <c>messaging.client.operation.duration</c> and
/// <c>messaging.client.sent.messages</c> += the events appended, with the aggregate type as
/// <c>messaging.destination.template</c> (none when the save's streams have no single known type; never the stream id).
/// A failed save is not measured, for the same reason its span is not exported: Marten tells no listener about it.
/// </para>
/// </remarks>
internal sealed class AppendTracingListener : DocumentSessionListenerBase
{
    private const string System = "marten";
    private const string AppendOperation = "append";

    private readonly MessagingTracer _tracer;
    private readonly ConditionalWeakTable<IDocumentSession, OpenAppend> _openAppends = new();

    public AppendTracingListener(MessagingTracer tracer) => _tracer = tracer;

    public override Task BeforeSaveChangesAsync(IDocumentSession session, CancellationToken token)
    {
        try
        {
            TraceAppend(session);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            MessagingTracingEventSource.Log.InstrumentationFailed(nameof(AppendTracingListener), ex);
        }

        return Task.CompletedTask;
    }

    public override Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        try
        {
            if (_openAppends.TryGetValue(session, out OpenAppend? append))
            {
                _openAppends.Remove(session);
                append.Span.StopReportingFaults();
                append.Measurement.Complete();
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            MessagingTracingEventSource.Log.InstrumentationFailed(nameof(AppendTracingListener), ex);
        }

        return Task.CompletedTask;
    }

    private void TraceAppend(IDocumentSession session)
    {
        List<StreamAction> streams = [];
        int eventCount = 0;
        foreach (StreamAction stream in session.PendingChanges.Streams())
        {
            if (stream.Events.Count > 0)
            {
                streams.Add(stream);
                eventCount += stream.Events.Count;
            }
        }

        if (eventCount == 0)
        {
            return;
        }

        // What caused the append: the request or message being handled, current before the append span starts.
        Activity? cause = Activity.Current;
        string? streamType = StreamTypeName(streams);
        var operation = new MessagingOperation(System, MessagingOperationType.Send, AppendOperation, streamType) { DestinationTemplate = streamType };
        Activity? span = _tracer.StartProducer(operation, streams);
        if (span is { IsAllDataRequested: true })
        {
            // Named after the aggregate type (low cardinality); the stream itself is the destination when there is one.
            span.SetTag(MessagingAttributes.DestinationName, streams.Count == 1 ? StreamName(streams[0]) : null);
            span.SetTag(MessagingAttributes.BatchMessageCount, eventCount > 1 ? eventCount : null);
        }

        _openAppends.AddOrUpdate(session, new OpenAppend(span, MessagingMeasurement.Start(operation, eventCount)));

        string? correlationId = (cause ?? span)?.TraceId.ToHexString();
        string? causationId = cause?.Id;
        foreach (StreamAction stream in streams)
        {
            foreach (IEvent @event in stream.Events)
            {
                _tracer.Inject(span, @event, EventHeadersCarrierAdapter.Instance);
                if (string.IsNullOrEmpty(@event.CorrelationId))
                {
                    @event.CorrelationId = correlationId;
                }

                if (string.IsNullOrEmpty(@event.CausationId))
                {
                    @event.CausationId = causationId;
                }
            }
        }
    }

    /// <summary>The streams' aggregate type when they share a known one (span <c>append {type}</c>), else null (span <c>append</c>).</summary>
    private static string? StreamTypeName(List<StreamAction> streams)
    {
        string? name = streams[0].AggregateType?.Name;
        for (int i = 1; i < streams.Count && name is not null; i++)
        {
            if (!string.Equals(streams[i].AggregateType?.Name, name, StringComparison.Ordinal))
            {
                name = null;
            }
        }

        return name;
    }

    private static string StreamName(StreamAction stream) => stream.Key ?? stream.Id.ToString("D");
}
