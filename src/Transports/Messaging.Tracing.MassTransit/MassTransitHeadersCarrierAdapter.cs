using System;
using System.Collections;
using System.Text;
using MassTransit;
using Messaging.Tracing.Diagnostics;
using Messaging.Tracing.Propagation;

namespace Messaging.Tracing.MassTransit;

/// <summary>
/// Carrier adapter for MassTransit <see cref="Headers"/>. Received headers are read-only: <see cref="Replace"/> and
/// <see cref="Remove"/> act only on <see cref="SendHeaders"/>.
/// </summary>
/// <remarks>
/// Reads string, <c>byte[]</c> and <see cref="ReadOnlyMemory{T}"/> values, and the AMQP byte arrays of foreign
/// producers (Python pika with <c>bytes</c>, Java's client with <c>byte[]</c>), which MassTransit's RabbitMQ transport hands
/// over as RabbitMQ.Client's <c>BinaryTableValue</c>. This package does not reference RabbitMQ.Client: such a value is read
/// through MassTransit's own header conversion (<see cref="Headers.Get{T}(string, T)"/>, System.Text.Json), which maps its
/// public <c>Bytes</c> property.
/// </remarks>
public sealed class MassTransitHeadersCarrierAdapter : ICarrierAdapter<Headers>
{
    private MassTransitHeadersCarrierAdapter()
    {
    }

    /// <summary>Gets the shared instance.</summary>
    public static MassTransitHeadersCarrierAdapter Instance { get; } = new();

    /// <inheritdoc/>
    public CarrierValueKind ValueKind => CarrierValueKind.Text;

    /// <inheritdoc/>
    public bool TryGet(Headers carrier, string key, out CarrierValue value)
    {
        if (!carrier.TryGetHeader(key, out object? header) || header is null)
        {
            value = default;
            return false;
        }

        value = header switch
        {
            string text => CarrierValue.FromText(text),
            byte[] bytes => CarrierValue.FromBytes(bytes),
            ReadOnlyMemory<byte> memory => CarrierValue.FromBytes(memory.ToArray()),
            IConvertible or IEnumerable => default,
            _ => CarrierValue.FromBytes(ReadByteArray(carrier, key)),
        };
        if (value.IsEmpty)
        {
            // A header of another type (a number, a list, a table from a foreign AMQP producer) cannot carry the context:
            // report it by name only and read it as absent.
            MessagingTracingEventSource.Log.MalformedHeader(key, 0);
        }

        return !value.IsEmpty;
    }

    /// <inheritdoc/>
    public void Replace(Headers carrier, string key, CarrierValue value)
    {
        if (carrier is SendHeaders headers)
        {
            headers.Set(key, value.Text ?? Encoding.UTF8.GetString(value.Bytes ?? []));
        }
    }

    /// <inheritdoc/>
    public void Remove(Headers carrier, string key)
    {
        if (carrier is SendHeaders headers)
        {
            headers.Set(key, (string?)null);
        }
    }

    /// <summary>The bytes of an AMQP byte array (RabbitMQ.Client's <c>BinaryTableValue</c>); null for any other object.</summary>
    private static byte[]? ReadByteArray(Headers carrier, string key)
    {
        try
        {
            return carrier.Get<AmqpByteArray>(key)?.Bytes;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // MassTransit's conversion refused the value (or runs without reflection-based serialization): no context.
            return null;
        }
    }

    /// <summary>The shape of an AMQP byte array value as MassTransit's header conversion reads it: <c>{"bytes": base64}</c>.</summary>
    private sealed class AmqpByteArray
    {
        public byte[]? Bytes { get; set; }
    }
}
