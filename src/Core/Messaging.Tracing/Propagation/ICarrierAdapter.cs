namespace Messaging.Tracing.Propagation;

/// <summary>
/// Gets, sets and removes header values on one kind of carrier (Kafka headers, a RabbitMQ header table,
/// MassTransit headers, Redis stream fields, event metadata). Each transport supplies one small adapter;
/// the propagator never knows the transport.
/// </summary>
/// <typeparam name="TCarrier">The carrier type.</typeparam>
/// <remarks>
/// Adapters may throw on a broken carrier: the propagator catches, reports through self-diagnostics and
/// carries on, so a message is never lost to tracing.
/// </remarks>
public interface ICarrierAdapter<in TCarrier>
{
    /// <summary>Gets the kind of value the carrier stores natively; the propagator writes that kind.</summary>
    CarrierValueKind ValueKind { get; }

    /// <summary>Gets the value of <paramref name="key"/>.</summary>
    /// <param name="carrier">The carrier.</param>
    /// <param name="key">The header name, as the propagator spells it (lower case for W3C headers).</param>
    /// <param name="value">The value. When the carrier holds the key more than once, all values joined by
    /// <c>,</c> in order (the field-combining rule of RFC 9110 §5.3 that the W3C formats build on: a repeated
    /// <c>traceparent</c> then reads as invalid, repeated <c>tracestate</c> or <c>baggage</c> lists merge).</param>
    /// <returns><see langword="true"/> when the key is present with a string or byte value.</returns>
    bool TryGet(TCarrier carrier, string key, out CarrierValue value);

    /// <summary>Sets <paramref name="key"/> to <paramref name="value"/>, removing every earlier value of the key first.</summary>
    /// <param name="carrier">The carrier.</param>
    /// <param name="key">The header name.</param>
    /// <param name="value">The value, of the kind <see cref="ValueKind"/> names.</param>
    void Replace(TCarrier carrier, string key, CarrierValue value);

    /// <summary>Removes every value of <paramref name="key"/>; nothing happens when it is absent.</summary>
    /// <param name="carrier">The carrier.</param>
    /// <param name="key">The header name.</param>
    void Remove(TCarrier carrier, string key);
}
