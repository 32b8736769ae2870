using System;
using System.Text;

namespace Messaging.Tracing.Testing.Hostile;

/// <summary>
/// One header of a hostile message: its name and its value both as raw bytes (for byte carriers: Kafka headers, AMQP
/// long strings, Redis fields) and as a string (for string carriers: MassTransit headers, event metadata).
/// </summary>
/// <remarks>
/// The two forms carry the same hostile content where a string can: invalid UTF-8 has no string form, so its
/// <see cref="Text"/> holds a lone surrogate, the closest thing a .NET string carrier can receive. A
/// <see langword="null"/> value is a header present with no value (a Kafka null header, an AMQP void).
/// </remarks>
public sealed class HostileHeader
{
    private readonly byte[]? _bytes;

    private HostileHeader(string name, byte[]? bytes, string? text)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        _bytes = bytes;
        Text = text;
    }

    /// <summary>Gets the header name.</summary>
    public string Name { get; }

    /// <summary>Gets the value as a string carrier holds it; <see langword="null"/> for a null value.</summary>
    public string? Text { get; }

    /// <summary>Gets a value indicating whether the value is null.</summary>
    public bool IsNull => _bytes is null;

    /// <summary>Gets the length of the raw value in bytes (0 for a null value).</summary>
    public int Length => _bytes?.Length ?? 0;

    /// <summary>A header whose value is the UTF-8 encoding of <paramref name="text"/>.</summary>
    /// <param name="name">The header name.</param>
    /// <param name="text">The value.</param>
    /// <returns>The header.</returns>
    public static HostileHeader FromText(string name, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new HostileHeader(name, Encoding.UTF8.GetBytes(text), text);
    }

    /// <summary>A header with a raw byte value and the string a string carrier receives in its place.</summary>
    /// <param name="name">The header name.</param>
    /// <param name="bytes">The raw value, copied.</param>
    /// <param name="text">The string form.</param>
    /// <returns>The header.</returns>
    public static HostileHeader FromBytes(string name, ReadOnlySpan<byte> bytes, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new HostileHeader(name, bytes.ToArray(), text);
    }

    /// <summary>A header present with a null value.</summary>
    /// <param name="name">The header name.</param>
    /// <returns>The header.</returns>
    public static HostileHeader Null(string name) => new(name, null, null);

    /// <summary>Returns a new copy of the raw value (carriers may keep the array they are given).</summary>
    /// <returns>The bytes; <see langword="null"/> for a null value.</returns>
    public byte[]? GetBytes() => _bytes is null ? null : (byte[])_bytes.Clone();

    /// <summary>Whether <paramref name="text"/> contains this header's value (for checks that the value never leaks).</summary>
    /// <param name="text">Text to look in, such as a log line or an event payload.</param>
    /// <returns><see langword="true"/> when the string form of the value occurs in <paramref name="text"/>.</returns>
    public bool AppearsIn(string? text) => text is not null && !string.IsNullOrEmpty(Text) && text.Contains(Text, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override string ToString() => IsNull ? $"{Name}: (null)" : $"{Name}: ({Length} bytes)";
}
