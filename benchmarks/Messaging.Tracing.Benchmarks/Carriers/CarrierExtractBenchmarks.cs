using System;
using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using MassTransit;
using Messaging.Tracing.Benchmarks.Infrastructure;
using Messaging.Tracing.Propagation;
using OpenTelemetry.Context.Propagation;

namespace Messaging.Tracing.Benchmarks.Carriers;

/// <summary>
/// Extract from one carrier kind: Messaging.Tracing's <see cref="MessagePropagator"/> with the transport's adapter against
/// OpenTelemetry's <see cref="TraceContextPropagator"/> + <see cref="BaggagePropagator"/> with an equivalent getter. The
/// carrier holds an application header and what this library injected.
/// </summary>
/// <typeparam name="TKind">The carrier kind.</typeparam>
/// <typeparam name="TCarrier">The carrier type.</typeparam>
[MemoryDiagnoser]
[GenericTypeArguments(typeof(KafkaHeadersCarrier), typeof(Confluent.Kafka.Headers))]
[GenericTypeArguments(typeof(RabbitMqHeadersCarrier), typeof(IDictionary<string, object?>))]
[GenericTypeArguments(typeof(MassTransitHeadersCarrier), typeof(SendHeaders))]
[GenericTypeArguments(typeof(StringDictionaryCarrier), typeof(IDictionary<string, string>))]
public class CarrierExtractBenchmarks<TKind, TCarrier>
    where TKind : ICarrierKind<TCarrier>, new()
    where TCarrier : class
{
    private readonly TKind _kind = new();
    private TCarrier _carrier = null!;

    /// <summary>Gets or sets what is propagated.</summary>
    [ParamsAllValues]
    public PropagatedContent Content { get; set; }

    [GlobalSetup]
    public void GlobalSetup()
    {
        (System.Diagnostics.ActivityContext context, OpenTelemetry.Baggage baggage) = SampleContext.For(Content);
        _carrier = _kind.Create();
        MessagePropagator.Default.Inject(_carrier, _kind.Adapter, context, baggage);
        PropagationContext ours = MessagePropagator.Default.Extract(_carrier, _kind.Adapter);
        PropagationContext theirs = OpenTelemetryW3C.Propagator.Extract(default, _carrier, _kind.Getter);
        if (ours.ActivityContext != context || theirs.ActivityContext.TraceId != context.TraceId || ours.Baggage.Count != baggage.Count || theirs.Baggage.Count != baggage.Count)
        {
            throw new InvalidOperationException("The propagators do not read back what was injected.");
        }
    }

    [Benchmark(Baseline = true)]
    public PropagationContext OpenTelemetry_Extract() => OpenTelemetryW3C.Propagator.Extract(default, _carrier, _kind.Getter);

    [Benchmark]
    public PropagationContext MessagingTracing_Extract() => MessagePropagator.Default.Extract(_carrier, _kind.Adapter);
}
