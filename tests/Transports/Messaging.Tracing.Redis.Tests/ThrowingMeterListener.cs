using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using Messaging.Tracing.Instruments;

namespace Messaging.Tracing.Redis.Tests;

/// <summary>A <see cref="MeterListener"/> on the library's meter whose callbacks throw for one destination (other tests' go untouched).</summary>
internal static class ThrowingMeterListener
{
    public static MeterListener For(string destination)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == MessagingMeter.Name)
                {
                    l.EnableMeasurementEvents(instrument);
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
            if (tag.Key == "messaging.destination.name" && Equals(tag.Value, destination))
            {
                throw new InvalidOperationException($"A listener of {instrument.Name} failed.");
            }
        }
    }
}
