using System;

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
}
