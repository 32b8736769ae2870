using System;
using System.Collections.Generic;
using Messaging.Tracing.Benchmarks.Infrastructure;
using Messaging.Tracing.Propagation;

namespace Messaging.Tracing.Benchmarks.Carriers;

/// <summary>A string dictionary: event metadata, Redis stream fields.</summary>
public sealed class StringDictionaryCarrier : ICarrierKind<IDictionary<string, string>>
{
    private const int Capacity = 4;

    private static readonly Action<IDictionary<string, string>, string, string> OpenTelemetrySetter = static (metadata, key, value) =>
        metadata[key] = value;

    private static readonly Func<IDictionary<string, string>, string, IEnumerable<string>?> OpenTelemetryGetter = static (metadata, key) =>
        metadata.TryGetValue(key, out string? value) ? new[] { value } : null;

    /// <inheritdoc/>
    public ICarrierAdapter<IDictionary<string, string>> Adapter => StringDictionaryCarrierAdapter.Instance;

    /// <inheritdoc/>
    public Action<IDictionary<string, string>, string, string> Setter => OpenTelemetrySetter;

    /// <inheritdoc/>
    public Func<IDictionary<string, string>, string, IEnumerable<string>?> Getter => OpenTelemetryGetter;

    /// <inheritdoc/>
    public IDictionary<string, string> Create() => new Dictionary<string, string>(Capacity, StringComparer.Ordinal)
    {
        [SampleContext.ApplicationHeader] = SampleContext.ApplicationHeaderValue,
    };
}
