using System;
using System.Diagnostics;
using Messaging.Tracing.Instruments;
using Messaging.Tracing.Spans;
using OpenTelemetry;

namespace Messaging.Tracing.RabbitMQ;

/// <summary>
/// The process scope of one delivery: this library's process span (<see cref="Own"/>), or RabbitMQ.Client's
/// <c>deliver</c> span bridged into the process span (<see cref="Bridged"/>). Disposing ends the scope: our own span is
/// stopped and the previous context restored — RabbitMQ.Client's deliver span when it was set aside —; a bridged span (which
/// RabbitMQ.Client stops itself) is made current again, and the previous baggage restored. Either way the delivery is
/// measured once: our process scope measures itself, a bridged span's measurement is completed here.
/// </summary>
/// <remarks>A mutable struct: keep it in a local and call <see cref="RecordException"/> and <see cref="Dispose"/> on that local.</remarks>
internal struct DeliveryScope : IDisposable
{
    private readonly ProcessScope? _scope;
    private readonly Activity? _bridged;
    private readonly Activity? _setAside;
    private readonly Baggage _previousBaggage;
    private readonly MessagingMeasurement _measurement;
    private string? _errorType;

    private DeliveryScope(ProcessScope? scope, Activity? bridged, Activity? setAside, Baggage previousBaggage, MessagingMeasurement measurement)
    {
        _scope = scope;
        _bridged = bridged;
        _setAside = setAside;
        _previousBaggage = previousBaggage;
        _measurement = measurement;
    }

    /// <summary>This library's process scope; <paramref name="setAside"/>, RabbitMQ.Client's deliver span not bridged, is made current again at the end.</summary>
    public static DeliveryScope Own(ProcessScope? scope, Activity? setAside = null) => new(scope, bridged: null, setAside, default, default);

    /// <summary>
    /// RabbitMQ.Client's <c>deliver</c> span as the process span; <paramref name="previousBaggage"/> is put back and
    /// <paramref name="measurement"/> completed at the end.
    /// </summary>
    public static DeliveryScope Bridged(Activity deliver, Baggage previousBaggage, MessagingMeasurement measurement)
        => new(scope: null, deliver, setAside: null, previousBaggage, measurement);

    public void RecordException(Exception exception)
    {
        if (_bridged is not null)
        {
            _errorType = MessagingSpanExtensions.ErrorTypeOf(exception);
            _bridged.RecordMessagingException(exception);
        }
        else
        {
            _scope?.RecordException(exception);
        }
    }

    public void Dispose()
    {
        _scope?.Dispose();
        if (_setAside is { IsStopped: false })
        {
            Activity.Current = _setAside;
        }

        if (_bridged is null)
        {
            return;
        }

        _measurement.Complete(_errorType);

        // As ProcessScope does: a write only when there is baggage to restore or to clear.
        if (_previousBaggage.Count != 0 || Baggage.Current.Count != 0)
        {
            Baggage.Current = _previousBaggage;
        }

        if (!_bridged.IsStopped)
        {
            Activity.Current = _bridged;
        }
    }
}
