using Xunit;

namespace Messaging.Tracing.Tests;

/// <summary>
/// Tests that change process-wide state (the default OpenTelemetry propagator, a tracer provider, the absence
/// of listeners) run alone, after the parallel tests, so they cannot disturb them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalStateCollection
{
    public const string Name = "Global state";
}
