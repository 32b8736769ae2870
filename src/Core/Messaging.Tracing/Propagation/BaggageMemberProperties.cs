using System.Collections.Generic;

namespace Messaging.Tracing.Propagation;

/// <summary>
/// The properties one received baggage member carried: decoded for readers, in canonical form for the wire, with the value
/// the member was received with (a member whose value the application changed goes on without them).
/// </summary>
/// <param name="value">The member's decoded value, as received.</param>
/// <param name="encoded">The properties in canonical form, ASCII: each led by <c>;</c>, no white space, values minimally
/// percent-encoded, in the order received, repeats kept.</param>
/// <param name="properties">The properties, decoded, in the order received.</param>
internal sealed class BaggageMemberProperties(string value, byte[] encoded, IReadOnlyList<BaggageProperty> properties)
{
    /// <summary>Gets the member's decoded value, as received.</summary>
    public string Value { get; } = value;

    /// <summary>Gets the properties in canonical form, each led by <c>;</c> (ASCII).</summary>
    public byte[] Encoded { get; } = encoded;

    /// <summary>Gets the properties, decoded, in the order received.</summary>
    public IReadOnlyList<BaggageProperty> Properties { get; } = properties;
}
