using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Messaging.Tracing.Instruments;

namespace Messaging.Tracing.Testing;

/// <summary>
/// Collects the measurements of the <c>Messaging.Tracing</c> meter (<see cref="MessagingMeter"/>) while it lives, with a
/// <see cref="MeterListener"/>. Metrics carry no trace: tests running in parallel tell theirs apart by destination — give
/// each test its own (a unique queue, topic or stream name) and ask for that one.
/// </summary>
public sealed class MeasurementCollector : IDisposable
{
    private readonly object _gate = new();
    private readonly List<RecordedMeasurement> _measurements = new();
    private readonly MeterListener _listener;
    private TaskCompletionSource _changed = NewSignal();

    /// <summary>Initializes a new instance of the <see cref="MeasurementCollector"/> class and starts listening.</summary>
    public MeasurementCollector()
    {
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == MessagingMeter.Name)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>Gets a copy of every measurement collected so far.</summary>
    public IReadOnlyList<RecordedMeasurement> Measurements
    {
        get
        {
            lock (_gate)
            {
                return _measurements.ToArray();
            }
        }
    }

    /// <summary>The measurements of one instrument, of one destination (name or template) when given.</summary>
    /// <param name="instrument">The instrument's name (<see cref="MessagingMeter"/>).</param>
    /// <param name="destination">The destination; <see langword="null"/> for all.</param>
    /// <returns>The measurements, in the order they were recorded.</returns>
    public IReadOnlyList<RecordedMeasurement> For(string instrument, string? destination = null) =>
        Measurements.Where(m => m.Instrument == instrument && (destination is null || m.Destination == destination)).ToArray();

    /// <summary>The sum of the values of one instrument for one destination (a counter's total).</summary>
    /// <param name="instrument">The instrument's name.</param>
    /// <param name="destination">The destination; <see langword="null"/> for all.</param>
    /// <returns>The sum.</returns>
    public double Sum(string instrument, string? destination = null) => For(instrument, destination).Sum(m => m.Value);

    /// <summary>Waits until <paramref name="instrument"/> has at least <paramref name="count"/> measurements for the destination.</summary>
    /// <param name="instrument">The instrument's name.</param>
    /// <param name="destination">The destination; <see langword="null"/> for all.</param>
    /// <param name="count">How many measurements to wait for.</param>
    /// <param name="timeout">How long to wait at most.</param>
    /// <returns>The measurements once there are enough.</returns>
    /// <exception cref="TimeoutException">Fewer arrived within <paramref name="timeout"/>.</exception>
    public async Task<IReadOnlyList<RecordedMeasurement>> WaitForAsync(string instrument, string? destination, int count, TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                changed = _changed.Task;
            }

            IReadOnlyList<RecordedMeasurement> found = For(instrument, destination);
            if (found.Count >= count)
            {
                return found;
            }

            try
            {
                await changed.WaitAsync(cancellation.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException(
                    $"Timed out after {timeout.TotalSeconds:0.###} s waiting for {count} '{instrument}' measurements of {destination ?? "any destination"}; got {For(instrument, destination).Count}.");
            }
        }
    }

    /// <summary>Stops listening.</summary>
    public void Dispose() => _listener.Dispose();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var recorded = new RecordedMeasurement(instrument.Name, instrument.Unit, value, new Dictionary<string, object?>(tags.ToArray()));
        TaskCompletionSource changed;
        lock (_gate)
        {
            _measurements.Add(recorded);
            changed = _changed;
            _changed = NewSignal();
        }

        changed.TrySetResult();
    }
}
