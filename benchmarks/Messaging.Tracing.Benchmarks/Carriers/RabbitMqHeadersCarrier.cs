using System;
using System.Collections.Generic;
using System.Text;
using Messaging.Tracing.Benchmarks.Infrastructure;
using Messaging.Tracing.Propagation;
using Messaging.Tracing.RabbitMQ;

namespace Messaging.Tracing.Benchmarks.Carriers;

/// <summary>A RabbitMQ.Client AMQP header table (<c>IDictionary&lt;string, object?&gt;</c>, byte values on the wire).</summary>
public sealed class RabbitMqHeadersCarrier : ICarrierKind<IDictionary<string, object?>>
{
    // Sized like the traced publish's copy: the application's headers plus room for the trace headers.
    private const int Capacity = 5;

    private static readonly byte[] ApplicationValue = Encoding.UTF8.GetBytes(SampleContext.ApplicationHeaderValue);

    // The setter and getter of OpenTelemetry's RabbitMQ examples.
    private static readonly Action<IDictionary<string, object?>, string, string> OpenTelemetrySetter = static (headers, key, value) =>
        headers[key] = Encoding.UTF8.GetBytes(value);

    private static readonly Func<IDictionary<string, object?>, string, IEnumerable<string>?> OpenTelemetryGetter = static (headers, key) =>
        headers.TryGetValue(key, out object? value) && value is byte[] bytes ? new[] { Encoding.UTF8.GetString(bytes) } : null;

    /// <inheritdoc/>
    public ICarrierAdapter<IDictionary<string, object?>> Adapter => RabbitMqHeadersCarrierAdapter.Instance;

    /// <inheritdoc/>
    public Action<IDictionary<string, object?>, string, string> Setter => OpenTelemetrySetter;

    /// <inheritdoc/>
    public Func<IDictionary<string, object?>, string, IEnumerable<string>?> Getter => OpenTelemetryGetter;

    /// <inheritdoc/>
    public IDictionary<string, object?> Create() => new Dictionary<string, object?>(Capacity, StringComparer.Ordinal)
    {
        [SampleContext.ApplicationHeader] = ApplicationValue,
    };
}
