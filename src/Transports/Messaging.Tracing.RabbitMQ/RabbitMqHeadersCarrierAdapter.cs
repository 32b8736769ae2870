using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text;
using Messaging.Tracing.Diagnostics;
using Messaging.Tracing.Propagation;
using RabbitMQ.Client;

namespace Messaging.Tracing.RabbitMQ;

/// <summary>
/// Carrier adapter for an AMQP header table (<c>IReadOnlyBasicProperties.Headers</c>).
/// Writes <c>byte[]</c> values; reads <c>byte[]</c> (how RabbitMQ.Client delivers every AMQP long
/// string), <see cref="BinaryTableValue"/> (how it delivers an AMQP byte array, field type <c>x</c>, which foreign producers
/// send: Python's pika for <c>bytes</c>, Java's client for <c>byte[]</c>), <see cref="ReadOnlyMemory{T}"/> of bytes and
/// <see cref="string"/> (tables built in-process).
/// </summary>
/// <remarks>
/// Keys are matched exactly (ordinal), whatever comparer the dictionary has. A value of any other AMQP type — a number,
/// a boolean, a timestamp, a list, a nested table, null (or a <see cref="BinaryTableValue"/> without bytes) — as a foreign
/// producer may send it, counts as absent: it gives no context and never an exception (and, unless null, is reported
/// through <c>MessagingTracingEventSource.MalformedHeader</c> with length 0).
/// </remarks>
public sealed class RabbitMqHeadersCarrierAdapter : ICarrierAdapter<IDictionary<string, object?>>
{
    private RabbitMqHeadersCarrierAdapter()
    {
    }

    /// <summary>Gets the shared instance.</summary>
    public static RabbitMqHeadersCarrierAdapter Instance { get; } = new();

    /// <inheritdoc/>
    public CarrierValueKind ValueKind => CarrierValueKind.Bytes;

    /// <inheritdoc/>
    public bool TryGet(IDictionary<string, object?> carrier, string key, out CarrierValue value)
    {
        value = default;
        if (carrier is null || key is null || !TryGetExact(carrier, key, out object? raw))
        {
            return false;
        }

        switch (raw)
        {
            case byte[] bytes:
                value = CarrierValue.FromBytes(bytes);
                return true;
            case BinaryTableValue { Bytes: byte[] binary }:
                value = CarrierValue.FromBytes(binary);
                return true;
            case ReadOnlyMemory<byte> memory:
                value = CarrierValue.FromBytes(
                    MemoryMarshal.TryGetArray(memory, out ArraySegment<byte> segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
                        ? segment.Array
                        : memory.ToArray());
                return true;
            case string text:
                value = CarrierValue.FromText(text);
                return true;
            case null:
                return false;
            default:
                // Any other AMQP type (a number, a boolean, a timestamp, a list, a table) cannot carry the header: report
                // it by name only, as the propagator reports a malformed string, and read it as absent.
                MessagingTracingEventSource.Log.MalformedHeader(key, 0);
                return false;
        }
    }

    /// <inheritdoc/>
    public void Replace(IDictionary<string, object?> carrier, string key, CarrierValue value)
    {
        ArgumentNullException.ThrowIfNull(carrier);
        ArgumentNullException.ThrowIfNull(key);
        carrier.Remove(key);
        carrier[key] = value.Bytes ?? Encoding.UTF8.GetBytes(value.ToString());
    }

    /// <inheritdoc/>
    public void Remove(IDictionary<string, object?> carrier, string key)
    {
        ArgumentNullException.ThrowIfNull(carrier);
        ArgumentNullException.ThrowIfNull(key);
        carrier.Remove(key);
    }

    private static bool TryGetExact(IDictionary<string, object?> carrier, string key, out object? raw)
    {
        // RabbitMQ.Client's tables (and most applications') use the default, ordinal comparer: a plain lookup is exact.
        if (carrier is Dictionary<string, object?> dictionary
            && (ReferenceEquals(dictionary.Comparer, EqualityComparer<string>.Default) || ReferenceEquals(dictionary.Comparer, StringComparer.Ordinal)))
        {
            return dictionary.TryGetValue(key, out raw);
        }

        foreach (KeyValuePair<string, object?> pair in carrier)
        {
            if (string.Equals(pair.Key, key, StringComparison.Ordinal))
            {
                raw = pair.Value;
                return true;
            }
        }

        raw = null;
        return false;
    }
}
