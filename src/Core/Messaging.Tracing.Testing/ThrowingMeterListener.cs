using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using Messaging.Tracing.Instruments;
using Messaging.Tracing.Spans;

namespace Messaging.Tracing.Testing;

/// <summary>
/// A faulty metrics pipeline for tests: a <see cref="MeterListener"/> on the library's meter whose callbacks throw for the
/// measurements of one destination (name or template) — the messages of that destination must still be sent and handled.
/// Other destinations' measurements go untouched, so tests running in parallel are not disturbed.
/// </summary>
public static class ThrowingMeterListener
{
    /// <summary>Starts a listener that throws for every measurement of <paramref name="destination"/>.</summary>
    /// <param name="destination">The destination name or template to fail.</param>
    /// <returns>The started listener; dispose it to stop.</returns>
    public static MeterListener For(string destination)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, started) =>
            {
                if (instrument.Meter.Name == MessagingMeter.Name)
                {
                    started.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((instrument, _, tags, _) => ThrowFor(destination, instrument, tags));
        listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) => ThrowFor(destination, instrument, tags));
        listener.Start();
        return listener;
    }

    private static void ThrowFor(string destination, Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            if (tag.Key is MessagingAttributes.DestinationName or MessagingAttributes.DestinationTemplate && Equals(tag.Value, destination))
            {
                throw new InvalidOperationException($"A listener of {instrument.Name} failed for {destination}.");
            }
        }
    }
}
