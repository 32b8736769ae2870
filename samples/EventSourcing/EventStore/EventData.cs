using System;
using System.Collections.Generic;

namespace EventSourcing.EventStore;

/// <summary>An event to append: its id, type name, JSON body and metadata (trace context, correlation and causation ids).</summary>
/// <param name="EventId">The event's unique id.</param>
/// <param name="Type">The event type's name (<c>ReviewAdded</c>).</param>
/// <param name="Data">The event as JSON.</param>
/// <param name="Metadata">The metadata to store with it.</param>
public sealed record EventData(Guid EventId, string Type, string Data, IReadOnlyDictionary<string, string> Metadata);
