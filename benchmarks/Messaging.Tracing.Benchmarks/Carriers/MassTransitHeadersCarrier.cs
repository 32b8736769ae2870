using System;
using System.Collections.Generic;
using MassTransit;
using MassTransit.Serialization;
using Messaging.Tracing.Benchmarks.Infrastructure;
using Messaging.Tracing.MassTransit;
using Messaging.Tracing.Propagation;

namespace Messaging.Tracing.Benchmarks.Carriers;

/// <summary>
/// MassTransit send headers: <see cref="DictionarySendHeaders"/>, the implementation behind a send context's
/// <see cref="SendContext.Headers"/> (string values).
/// </summary>
public sealed class MassTransitHeadersCarrier : ICarrierKind<SendHeaders>
{
    private static readonly Action<SendHeaders, string, string> OpenTelemetrySetter = static (headers, key, value) =>
        headers.Set(key, value);

    private static readonly Func<SendHeaders, string, IEnumerable<string>?> OpenTelemetryGetter = static (headers, key) =>
        headers.TryGetHeader(key, out object? value) && value is string text ? new[] { text } : null;

    /// <inheritdoc/>
    public ICarrierAdapter<SendHeaders> Adapter => MassTransitHeadersCarrierAdapter.Instance;

    /// <inheritdoc/>
    public Action<SendHeaders, string, string> Setter => OpenTelemetrySetter;

    /// <inheritdoc/>
    public Func<SendHeaders, string, IEnumerable<string>?> Getter => OpenTelemetryGetter;

    /// <inheritdoc/>
    public SendHeaders Create()
    {
        var headers = new DictionarySendHeaders();
        headers.Set(SampleContext.ApplicationHeader, SampleContext.ApplicationHeaderValue);
        return headers;
    }
}
