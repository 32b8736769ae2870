namespace Messaging.Tracing.Benchmarks.Wrappers;

/// <summary>Benchmark categories of the wrapper benchmarks: each has its bare client call as the baseline.</summary>
public static class WrapperCategories
{
    /// <summary>The producer side: bare send against the traced send.</summary>
    public const string Produce = "Produce";

    /// <summary>The consumer side: the bare handler call against the handler run inside the traced scope.</summary>
    public const string Consume = "Consume";
}
