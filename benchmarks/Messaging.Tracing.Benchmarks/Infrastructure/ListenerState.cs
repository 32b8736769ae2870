namespace Messaging.Tracing.Benchmarks.Infrastructure;

/// <summary>Who listens to the spans while a case runs.</summary>
public enum ListenerState
{
    /// <summary>A listener samples every span (<c>AllDataAndRecorded</c>): spans are recorded.</summary>
    Sampled,

    /// <summary>A listener asks for propagation only (<c>PropagationData</c>): spans exist, unrecorded, and the context travels.</summary>
    Unsampled,

    /// <summary>Nothing listens: no spans; the context still travels through the handler.</summary>
    NoListener,
}
