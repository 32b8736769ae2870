using System;
using System.Collections.Generic;
using System.Text;
using Confluent.Kafka;
using Messaging.Tracing.Benchmarks.Infrastructure;
using Messaging.Tracing.Kafka;
using Messaging.Tracing.Propagation;

namespace Messaging.Tracing.Benchmarks.Carriers;

/// <summary>Confluent.Kafka <see cref="Headers"/>: byte values, repeated keys allowed.</summary>
public sealed class KafkaHeadersCarrier : ICarrierKind<Headers>
{
    private static readonly byte[] ApplicationValue = Encoding.UTF8.GetBytes(SampleContext.ApplicationHeaderValue);

    // OpenTelemetry's Kafka instrumentation adds; Remove first so that both sides replace rather than append.
    private static readonly Action<Headers, string, string> OpenTelemetrySetter = static (headers, key, value) =>
    {
        headers.Remove(key);
        headers.Add(key, Encoding.UTF8.GetBytes(value));
    };

    private static readonly Func<Headers, string, IEnumerable<string>?> OpenTelemetryGetter = static (headers, key) =>
        headers.TryGetLastBytes(key, out byte[] value) ? new[] { Encoding.UTF8.GetString(value) } : null;

    /// <inheritdoc/>
    public ICarrierAdapter<Headers> Adapter => KafkaHeadersCarrierAdapter.Instance;

    /// <inheritdoc/>
    public Action<Headers, string, string> Setter => OpenTelemetrySetter;

    /// <inheritdoc/>
    public Func<Headers, string, IEnumerable<string>?> Getter => OpenTelemetryGetter;

    /// <inheritdoc/>
    public Headers Create() => new() { { SampleContext.ApplicationHeader, ApplicationValue } };
}
