using System;
using System.Diagnostics;
using Messaging.Tracing.Spans;
using OpenTelemetry;

namespace Messaging.Tracing.RabbitMQ;

/// <summary>
/// The process scope of one delivery: either this library's process span (<see cref="Own"/>), or RabbitMQ.Client's
/// <c>deliver</c> span bridged into the process span (<see cref="Bridged"/>). Disposing ends the scope: our own span is
/// stopped, the baggage put back, and the span that was current before — RabbitMQ.Client's <c>deliver</c> span, which
/// RabbitMQ.Client stops itself — made current again while it runs.
/// </summary>
internal readonly struct DeliveryScope : IDisposable
{
    private readonly ProcessScope? _scope;
    private readonly Activity? _restore;
    private readonly Activity? _bridged;
    private readonly Baggage _previousBaggage;

    private DeliveryScope(ProcessScope? scope, Activity? restore, Activity? bridged, Baggage previousBaggage)
    {
        _scope = scope;
        _restore = restore;
        _bridged = bridged;
        _previousBaggage = previousBaggage;
    }

    /// <summary>This library's process scope, with the current span that was set aside while it is open.</summary>
    public static DeliveryScope Own(ProcessScope? scope, Activity? setAside) => new(scope, setAside, bridged: null, default);

    /// <summary>RabbitMQ.Client's <c>deliver</c> span as the process span; <paramref name="previousBaggage"/> is put back at the end.</summary>
    public static DeliveryScope Bridged(Activity deliver, Baggage previousBaggage) => new(scope: null, deliver, deliver, previousBaggage);

    public void RecordException(Exception exception)
    {
        if (_bridged is not null)
        {
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

        // As ProcessScope does: a write only when there is baggage to restore or to clear.
        if (_bridged is not null && (_previousBaggage.Count != 0 || Baggage.Current.Count != 0))
        {
            Baggage.Current = _previousBaggage;
        }

        if (_restore is { IsStopped: false })
        {
            Activity.Current = _restore;
        }
    }
}
