using System;
using StackExchange.Redis;

namespace Messaging.Tracing.Redis;

/// <summary>
/// One field of a Redis stream entry: a name and a value, both binary-safe. An entry is an ordered list of fields in
/// which a name may repeat (<c>XADD</c> allows it). StackExchange.Redis 2.x calls the same pair <c>NameValueEntry</c>;
/// 1.2.6 has no stream types, so this library defines its own.
/// </summary>
public readonly struct StreamField : IEquatable<StreamField>
{
    /// <summary>Initializes a new instance of the <see cref="StreamField"/> struct.</summary>
    /// <param name="name">The field name.</param>
    /// <param name="value">The field value.</param>
    public StreamField(RedisValue name, RedisValue value)
    {
        Name = name;
        Value = value;
    }

    /// <summary>Gets the field name.</summary>
    public RedisValue Name { get; }

    /// <summary>Gets the field value.</summary>
    public RedisValue Value { get; }

    /// <summary>Compares two fields by name and value.</summary>
    /// <param name="left">The first field.</param>
    /// <param name="right">The second field.</param>
    /// <returns>Whether both have equal names and values.</returns>
    public static bool operator ==(StreamField left, StreamField right) => left.Equals(right);

    /// <summary>Compares two fields by name and value.</summary>
    /// <param name="left">The first field.</param>
    /// <param name="right">The second field.</param>
    /// <returns>Whether their names or values differ.</returns>
    public static bool operator !=(StreamField left, StreamField right) => !left.Equals(right);

    /// <inheritdoc/>
    public bool Equals(StreamField other) => Name == other.Name && Value == other.Value;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is StreamField other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Name, Value);

    /// <summary>The field as <c>name: value</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Name.ToString() + ": " + Value.ToString();
}
