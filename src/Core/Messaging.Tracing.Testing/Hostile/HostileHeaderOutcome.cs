namespace Messaging.Tracing.Testing.Hostile;

/// <summary>What a consumer must do with the trace context of a hostile message. In every case the message is delivered.</summary>
public enum HostileHeaderOutcome
{
    /// <summary>The context is invalid or absent: the process span starts a new trace, with no trace state.</summary>
    NewTrace,

    /// <summary>The context is valid: the trace continues with the trace state and baggage the case names.</summary>
    Continue,

    /// <summary>The trace continues; the <c>tracestate</c> is absent, or no member of it is valid, so it is dropped whole.</summary>
    ContinueWithoutTraceState,

    /// <summary>The trace continues; no member of the <c>baggage</c> is valid, so no baggage is restored.</summary>
    ContinueWithoutBaggage,

    /// <summary>The trace continues; both the <c>tracestate</c> and the <c>baggage</c> are dropped.</summary>
    ContinueWithoutTraceStateOrBaggage,

    /// <summary>
    /// The trace continues; the <c>baggage</c> holds more members than the W3C limits ask a consumer to keep, and a
    /// consumer keeps a leading run of whole members (at least 64, within 8192 bytes), never a partial member.
    /// </summary>
    ContinueWithBoundedBaggage,
}
