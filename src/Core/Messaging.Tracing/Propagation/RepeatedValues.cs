using System;
using System.Collections.Generic;

namespace Messaging.Tracing.Propagation;

/// <summary>
/// The join the <see cref="ICarrierAdapter{TCarrier}"/> contract asks for when a carrier holds a key more than once:
/// values in order, separated by <c>,</c> (RFC 9110 §5.3).
/// </summary>
public static class RepeatedValues
{
    /// <summary>Joins two UTF-8 values of the same key.</summary>
    /// <param name="first">The earlier value.</param>
    /// <param name="second">The later value.</param>
    /// <returns><c>first,second</c> in a new array.</returns>
    public static byte[] Join(byte[] first, byte[] second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        var joined = new byte[first.Length + 1 + second.Length];
        first.CopyTo(joined, 0);
        joined[first.Length] = (byte)',';
        second.CopyTo(joined.AsSpan(first.Length + 1));
        return joined;
    }

    /// <summary>
    /// Joins every UTF-8 value of a key in one copy: a carrier that repeats a key thousands of times (hostile input) costs
    /// time linear in its size, where joining pairwise would copy the growing value once per repeat.
    /// </summary>
    /// <param name="values">The values, in carrier order.</param>
    /// <returns>The values separated by <c>,</c> in a new array; an empty array when there are none.</returns>
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
            length += values[i].Length;
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
