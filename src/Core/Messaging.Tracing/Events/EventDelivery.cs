namespace Messaging.Tracing.Events;

/// <summary>How a subscriber receives a stored event; it decides how its span relates to the event's producer.</summary>
public enum EventDelivery
{
    /// <summary>
    /// Replay or catch-up: rebuilding a projection from the store, reading history. The handling span starts a new
    /// trace with a <c>follows_from</c> link to the original, so a rebuild never piles years of events onto one trace.
    /// The default, because it is the safe one.
    /// </summary>
    Replay = 0,

    /// <summary>A live subscription: the event was just appended. The handling span follows from the append in the same trace.</summary>
    Live = 1,
}
