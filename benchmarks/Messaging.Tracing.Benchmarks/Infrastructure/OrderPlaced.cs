namespace Messaging.Tracing.Benchmarks.Infrastructure;

/// <summary>The message MassTransit cases publish (MassTransit needs message types with a namespace).</summary>
/// <param name="Sequence">The message's number in its run.</param>
public sealed record OrderPlaced(int Sequence);
