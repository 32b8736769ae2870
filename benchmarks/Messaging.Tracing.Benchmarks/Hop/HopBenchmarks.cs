using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text;
using BenchmarkDotNet.Attributes;
using Messaging.Tracing.Benchmarks.Infrastructure;
using Messaging.Tracing.RabbitMQ;
using Messaging.Tracing.Spans;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;

namespace Messaging.Tracing.Benchmarks.Hop;

/// <summary>
/// One hop through this library — producer span, inject, extract, process scope — against the floor of any tracing: two
/// bare <see cref="Activity"/> start/stop pairs from a source listened the same way; against the floor of conventional
/// spans (the same two with their attributes and the follows-from link, nothing propagated); and against the same hop
/// written by hand with OpenTelemetry's propagator.
/// </summary>
/// <remarks>The carrier is an AMQP header table, reused (injecting replaces the previous values).</remarks>
[MemoryDiagnoser]
public class HopBenchmarks
{
    private const string BareSourceName = "Messaging.Tracing.Benchmarks.Bare";
    private const string SendName = "send orders";
    private const string ProcessName = "process orders";

    private static readonly ActivitySource BareSource = new(BareSourceName);
    private static readonly MessagingOperation Send = new("kafka", MessagingOperationType.Send, "send", "orders");
    private static readonly MessagingOperation Process = new("kafka", MessagingOperationType.Process, "process", "orders");

    private static readonly ActivityTagsCollection FollowsFromTags = new() { [MessagingAttributes.OpenTracingRefType] = MessagingAttributes.FollowsFrom };

    private static readonly Action<IDictionary<string, object?>, string, string> Setter = static (headers, key, value) =>
        headers[key] = Encoding.UTF8.GetBytes(value);

    private static readonly Func<IDictionary<string, object?>, string, IEnumerable<string>?> Getter = static (headers, key) =>
        headers.TryGetValue(key, out object? value) && value is byte[] bytes ? new[] { Encoding.UTF8.GetString(bytes) } : null;

    private readonly Dictionary<string, object?> _headers = new(5, StringComparer.Ordinal);
    private readonly MessagingTracer _tracer = MessagingTracer.Default;
    private BenchmarkListener? _listener;

    /// <summary>Gets or sets who listens to the spans.</summary>
    [ParamsAllValues]
    public ListenerState Listener { get; set; }

    [GlobalSetup]
    public void GlobalSetup() => _listener = BenchmarkListener.Start(Listener, MessagingActivitySource.Name, BareSourceName);

    [GlobalCleanup]
    public void GlobalCleanup() => _listener?.Dispose();

    [Benchmark(Baseline = true)]
    public void Bare_TwoActivities()
    {
        BareSource.StartActivity(SendName, ActivityKind.Producer)?.Stop();
        BareSource.StartActivity(ProcessName, ActivityKind.Consumer)?.Stop();
    }

    /// <summary>
    /// The floor of a hop that keeps the messaging conventions: the same two activities with the four convention attributes
    /// each and the consumer's follows-from link, without any propagation.
    /// </summary>
    [Benchmark]
    public void Bare_TwoActivities_WithConventionAttributes()
    {
        Activity? producer = BareSource.StartActivity(SendName, ActivityKind.Producer);
        Describe(producer, Send);
        ActivityContext producerContext = producer?.Context ?? default;
        producer?.Stop();

        Activity? process = BareSource.StartActivity(
            ProcessName,
            ActivityKind.Consumer,
            producerContext,
            tags: null,
            links: [new ActivityLink(producerContext, FollowsFromTags)]);
        Describe(process, Process);
        process?.Stop();
    }

    [Benchmark]
    public Activity? MessagingTracing_Hop()
    {
        Activity? producer = _tracer.StartProducer(Send);
        _tracer.Inject(producer, _headers, RabbitMqHeadersCarrierAdapter.Instance);
        producer?.Stop();

        PropagationContext incoming = _tracer.Extract(_headers, RabbitMqHeadersCarrierAdapter.Instance);
        using ProcessScope scope = _tracer.StartProcess(incoming, Process);
        return scope.Activity;
    }

    [Benchmark]
    public Activity? Handwritten_OpenTelemetry_Hop()
    {
        Activity? producer = BareSource.StartActivity(SendName, ActivityKind.Producer);
        Describe(producer, Send);
        OpenTelemetryW3C.Propagator.Inject(new PropagationContext(producer?.Context ?? default, Baggage.Current), _headers, Setter);
        producer?.Stop();

        PropagationContext incoming = OpenTelemetryW3C.Propagator.Extract(default, _headers, Getter);
        Baggage previous = Baggage.Current;
        Baggage.Current = incoming.Baggage;
        using Activity? process = BareSource.StartActivity(
            ProcessName,
            ActivityKind.Consumer,
            incoming.ActivityContext,
            tags: null,
            links: [new ActivityLink(incoming.ActivityContext, FollowsFromTags)]);
        Describe(process, Process);
        Baggage.Current = previous;
        return process;
    }

    private static void Describe(Activity? activity, in MessagingOperation operation)
    {
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(MessagingAttributes.System, operation.System);
            activity.SetTag(MessagingAttributes.OperationType, operation.TypeName);
            activity.SetTag(MessagingAttributes.OperationName, operation.OperationName);
            activity.SetTag(MessagingAttributes.DestinationName, operation.DestinationName);
        }
    }
}
