using System;

namespace EventSourcing.Tests;

/// <summary>One row of Marten's <c>mt_events</c> as PostgreSQL holds it, read with plain SQL.</summary>
/// <param name="Id">The <c>id</c> column: the event's id.</param>
/// <param name="Type">The <c>type</c> column: Marten's event type name (<c>review_added</c>).</param>
/// <param name="TraceParent">The <c>traceparent</c> entry of the <c>headers</c> column.</param>
/// <param name="CorrelationId">The <c>correlation_id</c> column.</param>
/// <param name="CausationId">The <c>causation_id</c> column.</param>
public sealed record MartenEventRow(Guid Id, string Type, string? TraceParent, string? CorrelationId, string? CausationId);
