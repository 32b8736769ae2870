namespace Messaging.Tracing.Benchmarks.Throughput;

/// <summary>How a throughput run is traced.</summary>
public enum ThroughputMode
{
    /// <summary>The plain client, no Messaging.Tracing, no tracer provider: the untraced baseline.</summary>
    Off,

    /// <summary>The traced wrappers, a tracer provider sampling every span and exporting it through a batch processor.</summary>
    Sampled,

    /// <summary>The traced wrappers, a tracer provider sampling nothing: spans carry context only, nothing is exported.</summary>
    Unsampled,
}
