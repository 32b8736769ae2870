using System.Collections.Generic;
using Messaging.Tracing.Spans;

namespace Messaging.Tracing.Testing;

/// <summary>One measurement of the <c>Messaging.Tracing</c> meter, as a <see cref="MeasurementCollector"/> saw it.</summary>
/// <param name="Instrument">The instrument's name (<see cref="Instruments.MessagingMeter"/>).</param>
/// <param name="Unit">The instrument's unit: <c>s</c> or <c>{message}</c>.</param>
/// <param name="Value">The value: seconds, or a count.</param>
/// <param name="Tags">The attributes.</param>
public sealed record RecordedMeasurement(string Instrument, string? Unit, double Value, IReadOnlyDictionary<string, object?> Tags)
{
    /// <summary>Gets the <c>messaging.destination.name</c>, or else the <c>messaging.destination.template</c>, or <see langword="null"/>.</summary>
    public string? Destination =>
        (Tags.TryGetValue(MessagingAttributes.DestinationName, out object? name) ? name : null) as string
        ?? (Tags.TryGetValue(MessagingAttributes.DestinationTemplate, out object? template) ? template : null) as string;

    /// <summary>Gets an attribute's value as text, or <see langword="null"/> when absent.</summary>
    /// <param name="name">The attribute name.</param>
    /// <returns>The value's text.</returns>
    public string? Tag(string name) => Tags.TryGetValue(name, out object? value) ? value?.ToString() : null;
}
