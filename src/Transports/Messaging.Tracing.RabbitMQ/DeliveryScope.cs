using System;
using System.Diagnostics;
using Messaging.Tracing.Spans;

namespace Messaging.Tracing.RabbitMQ;

/// <summary>
/// The process scope of one delivery, plus the current span that was set aside while the scope is open (RabbitMQ.Client's
/// <c>deliver</c> span, or an ended one); disposing ends the scope and puts a running set-aside span back as the current one.
/// </summary>
internal readonly struct DeliveryScope : IDisposable
{
    private readonly ProcessScope? _scope;
    private readonly Activity? _setAside;

    public DeliveryScope(ProcessScope? scope, Activity? setAside)
    {
        _scope = scope;
        _setAside = setAside;
    }

    public void RecordException(Exception exception) => _scope?.RecordException(exception);

    public void Dispose()
    {
        _scope?.Dispose();
        if (_setAside is { IsStopped: false })
        {
            Activity.Current = _setAside;
        }
    }
}
