using System;
using System.Collections.Generic;

namespace Messaging.Tracing.Propagation;

/// <summary>
/// The join the <see cref="ICarrierAdapter{TCarrier}"/> contract asks for when a carrier holds a key more than once:
/// values in order, separated by <c>,</c> (RFC 9110 §5.3).
/// </summary>
public static class RepeatedValues
{
    /// <summary>
    /// Joins every UTF-8 value of a key in one copy: a carrier that repeats a key thousands of times (hostile input) costs
    /// time linear in its size, where joining pairwise would copy the growing value once per repeat.
    /// </summary>
    /// <param name="values">The values, in carrier order.</param>
    /// <returns>The values separated by <c>,</c> in a new array; an empty array when there are none.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> or one of its values is null.</exception>
    public static byte[] Join(IReadOnlyList<byte[]> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return [];
        }

        long length = values.Count - 1;
        for (int i = 0; i < values.Count; i++)
        {
            length += (values[i] ?? throw new ArgumentNullException(nameof(values), "A value is null.")).Length;
        }

        var joined = new byte[length];
        int at = 0;
        for (int i = 0; i < values.Count; i++)
        {
            if (i > 0)
            {
                joined[at++] = (byte)',';
            }

            values[i].CopyTo(joined, at);
            at += values[i].Length;
        }

        return joined;
    }
}
