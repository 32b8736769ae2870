namespace Messaging.Tracing.Reliability.Tests.Soak;

/// <summary>What a soak run checks for every message; each value counts the messages that failed the check.</summary>
public enum SoakCheck
{
    /// <summary>The payload did not parse, or named an index outside the run.</summary>
    Malformed,

    /// <summary>A message reached a handler more than once.</summary>
    Duplicate,

    /// <summary>The handler did not run inside a Consumer-kind span of the library.</summary>
    NoProcessSpan,

    /// <summary>The handler's span is in another trace than the message's producer: another handler's context.</summary>
    CrossTalk,

    /// <summary>The process span's parent is not the message's send span (FollowsFrom), e.g. a span leaked from an earlier handler.</summary>
    WrongParent,

    /// <summary>The process span has no <c>follows_from</c> link to the message's send span.</summary>
    MissingLink,

    /// <summary>The library's send span is not a child of the application span the payload names.</summary>
    SendOutsideProducer,

    /// <summary>A library Producer-kind span started outside an application producer span of the run.</summary>
    OrphanSend,

    /// <summary><c>Baggage.Current</c> in the handler does not carry the message's own baggage member.</summary>
    BaggageMismatch,

    /// <summary><c>Activity.Current</c> or the baggage changed inside the handler across an await (another handler's context).</summary>
    ChangedAcrossAwait,

    /// <summary><c>Activity.Current</c> or <c>Baggage.Current</c> was not clean around the wrapper on the consumer's side.</summary>
    DirtyAmbient,
}
