using System;
using System.Collections.Generic;

namespace EventSourcing.EventStore;

/// <summary>An event as stored: <see cref="EventData"/> plus its stream and its version in the stream.</summary>
/// <param name="EventId">The event's unique id (the causation id of what it causes).</param>
/// <param name="StreamId">The stream (aggregate) it belongs to, e.g. <c>band-3f2a…</c>.</param>
/// <param name="Version">Its 1-based position in the stream.</param>
/// <param name="Type">The event type's name.</param>
/// <param name="Data">The event as JSON.</param>
/// <param name="Metadata">Its metadata: <c>traceparent</c>, <c>tracestate</c>, <c>baggage</c>, <c>correlation-id</c>, <c>causation-id</c>.</param>
public sealed record StoredEvent(Guid EventId, string StreamId, long Version, string Type, string Data, IReadOnlyDictionary<string, string> Metadata);
