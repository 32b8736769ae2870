using System;
using System.Diagnostics;
using Messaging.Tracing.Spans;
using OpenTelemetry;

namespace Messaging.Tracing.RabbitMQ;

/// <summary>
/// The process scope of one delivery: this library's process span (<see cref="Own"/>), or RabbitMQ.Client's
/// <c>deliver</c> span bridged into the process span (<see cref="Bridged"/>). Disposing ends the scope: our own span is
/// stopped and the previous context restored; a bridged span (which RabbitMQ.Client stops itself) is made current again,
/// and the previous baggage restored.
/// </summary>
internal readonly struct DeliveryScope : IDisposable
{
    private readonly ProcessScope? _scope;
    private readonly Activity? _bridged;
    private readonly Baggage _previousBaggage;

    private DeliveryScope(ProcessScope? scope, Activity? bridged, Baggage previousBaggage)
    {
        _scope = scope;
        _bridged = bridged;
        _previousBaggage = previousBaggage;
    }

    /// <summary>This library's process scope.</summary>
    public static DeliveryScope Own(ProcessScope? scope) => new(scope, bridged: null, default);

    /// <summary>RabbitMQ.Client's <c>deliver</c> span as the process span; <paramref name="previousBaggage"/> is put back at the end.</summary>
    public static DeliveryScope Bridged(Activity deliver, Baggage previousBaggage) => new(scope: null, deliver, previousBaggage);

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
        if (_bridged is null)
        {
            return;
        }

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
