namespace Messaging.Tracing.Events;

/// <summary>The correlation and causation ids stored with an event.</summary>
/// <param name="CorrelationId">The id of the request or command that started the flow, if stored.</param>
/// <param name="CausationId">The id of the message that caused the event, if stored.</param>
public readonly record struct EventCorrelation(string? CorrelationId, string? CausationId);
