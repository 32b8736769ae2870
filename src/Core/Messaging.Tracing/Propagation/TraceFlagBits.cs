namespace Messaging.Tracing.Propagation;

/// <summary>
/// The <c>trace-flags</c> bits this library carries (W3C Trace Context Level 2, "trace-flags"): "Sampled flag" and
/// "Random Trace ID Flag". "Other Flags" are reserved, and "Vendors MUST set those to zero".
/// </summary>
/// <remarks>
/// <c>ActivityTraceFlags.RandomTraceId</c> exists only from System.Diagnostics.DiagnosticSource 11; the floor set compiles
/// against 10, so the bit is named here and cast.
/// </remarks>
internal static class TraceFlagBits
{
    /// <summary>The sampled flag (<c>00000001</c>): the caller may have recorded trace data.</summary>
    public const byte Sampled = 0x01;

    /// <summary>The random trace id flag (<c>00000010</c>): at least the right-most 7 bytes of the trace id are random.</summary>
    public const byte Random = 0x02;

    /// <summary>Every bit this library keeps; the others are cleared on parse and on format.</summary>
    public const byte Known = Sampled | Random;
}
