using System.Collections.Generic;
using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using MassTransit;
using Messaging.Tracing.Benchmarks.Infrastructure;
using Messaging.Tracing.Propagation;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;

namespace Messaging.Tracing.Benchmarks.Carriers;

/// <summary>
/// Inject on one carrier kind: Messaging.Tracing's <see cref="MessagePropagator"/> with the transport's adapter against
/// OpenTelemetry's <see cref="TraceContextPropagator"/> + <see cref="BaggagePropagator"/> with an equivalent setter.
/// </summary>
/// <remarks>
/// A producer injects into new headers (each message gets its own, here holding one application header), so every
/// operation creates a carrier and injects into it; <see cref="Create_carrier"/> measures the creation alone, in the same
/// run, and the inject cost is the difference (docs/benchmarks.md subtracts it). Both propagators get the same context and
/// baggage explicitly, and both replace earlier values.
/// </remarks>
/// <typeparam name="TKind">The carrier kind.</typeparam>
/// <typeparam name="TCarrier">The carrier type.</typeparam>
[MemoryDiagnoser]
[GenericTypeArguments(typeof(KafkaHeadersCarrier), typeof(Confluent.Kafka.Headers))]
[GenericTypeArguments(typeof(RabbitMqHeadersCarrier), typeof(IDictionary<string, object?>))]
[GenericTypeArguments(typeof(MassTransitHeadersCarrier), typeof(SendHeaders))]
[GenericTypeArguments(typeof(StringDictionaryCarrier), typeof(IDictionary<string, string>))]
public class CarrierInjectBenchmarks<TKind, TCarrier>
    where TKind : ICarrierKind<TCarrier>, new()
    where TCarrier : class
{
    private readonly TKind _kind = new();
    private ActivityContext _context;
    private Baggage _baggage;
    private PropagationContext _propagationContext;

    /// <summary>Gets or sets what is propagated.</summary>
    [ParamsAllValues]
    public PropagatedContent Content { get; set; }

    [GlobalSetup]
    public void GlobalSetup()
    {
        (_context, _baggage) = SampleContext.For(Content);
        _propagationContext = new PropagationContext(_context, _baggage);
    }

    /// <summary>The carrier alone: subtract it from the two others.</summary>
    [Benchmark]
    public TCarrier Create_carrier() => _kind.Create();

    [Benchmark(Baseline = true)]
    public TCarrier OpenTelemetry_Inject()
    {
        TCarrier carrier = _kind.Create();
        OpenTelemetryW3C.Propagator.Inject(_propagationContext, carrier, _kind.Setter);
        return carrier;
    }

    [Benchmark]
    public TCarrier MessagingTracing_Inject()
    {
        TCarrier carrier = _kind.Create();
        MessagePropagator.Default.Inject(carrier, _kind.Adapter, _context, _baggage);
        return carrier;
    }
}
