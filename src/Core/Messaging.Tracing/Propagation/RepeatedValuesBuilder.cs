using System.Collections.Generic;

namespace Messaging.Tracing.Propagation;

/// <summary>
/// Collects the values of one key as an adapter walks a carrier that may repeat it (Kafka headers, Redis stream fields),
/// and joins them once at the end (<see cref="RepeatedValues.Join"/>): the usual single value is returned as it is, and a
/// key repeated thousands of times (hostile input) costs time and memory linear in its size.
/// </summary>
public struct RepeatedValuesBuilder
{
    private byte[]? _first;
    private List<byte[]>? _all;

    /// <summary>Adds the next value of the key, in carrier order.</summary>
    /// <param name="value">The value's UTF-8 bytes.</param>
    public void Add(byte[] value)
    {
        if (_first is null)
        {
            _first = value;
        }
        else
        {
            (_all ??= [_first]).Add(value);
        }
    }

    /// <summary>Gets the value the adapter contract asks for.</summary>
    /// <returns>The one value, the values joined with <c>,</c>, or <see langword="null"/> when none was added.</returns>
    public readonly byte[]? ToValue() => _all is null ? _first : RepeatedValues.Join(_all);
}
