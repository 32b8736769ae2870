using System;
using System.Diagnostics.Metrics;
using Messaging.Tracing.Instruments;
using Messaging.Tracing.Spans;
using Messaging.Tracing.Testing;
using Messaging.Tracing.Tests.Diagnostics;
using Xunit;

namespace Messaging.Tracing.Tests.Instruments;

/// <summary>
/// A <see cref="MeterListener"/> callback that throws makes <c>Histogram.Record</c>/<c>Counter.Add</c> throw on the
/// caller's thread: the message path must not see it (issue 16: "handled like a throwing ActivityListener").
/// </summary>
[Collection(GlobalStateCollection.Name)]
public sealed class ThrowingMeterListenerTests : IDisposable
{
    private readonly string _destination = "throwing-meter-" + Guid.NewGuid().ToString("N");
    private readonly MeterListener _listener;
    private readonly InstrumentationFaultListener _faults = new();
    private readonly MessagingTracer _tracer = new(new MessagingTracingOptions());

    public ThrowingMeterListenerTests()
    {
        _listener = ThrowingMeterListener.For(_destination);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _faults.Dispose();
    }

    [Fact]
    public void A_send_measured_by_a_throwing_listener_completes_and_the_fault_is_reported()
    {
        MessagingMeasurement send = MessagingMeasurement.Start(new MessagingOperation("test", MessagingOperationType.Send, "send", _destination));

        send.Complete();

        Assert.Equal(2, _faults.Count(_destination)); // the duration and the count, each guarded on its own
    }

    [Fact]
    public void A_handler_measured_by_a_throwing_listener_runs_and_its_scope_closes()
    {
        bool handled = false;
        var operation = new MessagingOperation("test", MessagingOperationType.Process, "process", _destination) { MessageTimestamp = DateTimeOffset.UtcNow };

        using (ProcessScope scope = _tracer.StartProcess(default, operation))
        {
            handled = true;
        }

        Assert.True(handled);
        Assert.Equal(3, _faults.Count(_destination)); // the consumed count, the time in queue and the processing's duration
    }
}
