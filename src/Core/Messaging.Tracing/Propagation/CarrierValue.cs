using System;
using System.Text;

namespace Messaging.Tracing.Propagation;

/// <summary>A header value as a carrier holds it: a string or UTF-8 bytes.</summary>
public readonly struct CarrierValue : IEquatable<CarrierValue>
{
    private readonly object? _value;

    private CarrierValue(object? value) => _value = value;

    /// <summary>Gets the value when it is a string.</summary>
    public string? Text => _value as string;

    /// <summary>Gets the value when it is UTF-8 bytes.</summary>
    public byte[]? Bytes => _value as byte[];

    /// <summary>Gets a value indicating whether there is no value.</summary>
    public bool IsEmpty => _value is null;

    /// <summary>Wraps a string value.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The carrier value.</returns>
    public static CarrierValue FromText(string? value) => new(value);

    /// <summary>Wraps a UTF-8 value; the array is used as it is, not copied.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The carrier value.</returns>
    public static CarrierValue FromBytes(byte[]? value) => new(value);

    /// <inheritdoc/>
    public bool Equals(CarrierValue other) => ReferenceEquals(_value, other._value);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is CarrierValue other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => _value?.GetHashCode() ?? 0;

    /// <summary>The value as a string (bytes decoded as UTF-8), or an empty string.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => _value switch
    {
        string text => text,
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        _ => string.Empty,
    };

    /// <summary>Compares two values by reference.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    /// <returns>Whether both wrap the same instance.</returns>
    public static bool operator ==(CarrierValue left, CarrierValue right) => left.Equals(right);

    /// <summary>Compares two values by reference.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    /// <returns>Whether they wrap different instances.</returns>
    public static bool operator !=(CarrierValue left, CarrierValue right) => !left.Equals(right);
}
