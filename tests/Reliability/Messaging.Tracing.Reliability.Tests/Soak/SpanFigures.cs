namespace Messaging.Tracing.Reliability.Tests.Soak;

/// <summary>The spans of a soak run, as the listener and the batch exporter saw them.</summary>
/// <param name="LibraryStarted">Spans of the library's source started.</param>
/// <param name="LibraryStopped">Spans of the library's source stopped.</param>
/// <param name="ApplicationStarted">The soak's own producer spans started.</param>
/// <param name="ApplicationStopped">The soak's own producer spans stopped.</param>
/// <param name="Exported">Spans the tracer provider's batch processor exported.</param>
public readonly record struct SpanFigures(long LibraryStarted, long LibraryStopped, long ApplicationStarted, long ApplicationStopped, long Exported)
{
    /// <summary>Gets all spans started.</summary>
    public long Started => LibraryStarted + ApplicationStarted;

    /// <summary>Gets all spans stopped.</summary>
    public long Stopped => LibraryStopped + ApplicationStopped;
}
