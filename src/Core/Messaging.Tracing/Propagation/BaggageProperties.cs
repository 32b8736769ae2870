using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using OpenTelemetry;

namespace Messaging.Tracing.Propagation;

/// <summary>
/// Reads the properties of received W3C baggage members (<c>key=value;name;name=value</c>, W3C Baggage, "property"), which
/// OpenTelemetry's <see cref="Baggage"/> has no place for.
/// </summary>
/// <remarks>
/// <para>The properties of a member that <see cref="BaggageCodec"/> parsed — on extract, from any transport or event metadata —
/// travel with that member: through the process scope's <see cref="Baggage.Current"/>, through the application's
/// <c>Baggage.SetBaggage</c> of other keys, to the next inject, which writes the member with its properties. They ride on the
/// identity of the key string the parser created (OpenTelemetry's baggage keeps its key and value instances when it copies
/// itself), so no signature changes. A member the application sets to another value goes on without them (a new member);
/// a member removed is not written; a key set anew by the application (removed, then set) has none.</para>
/// <para>Properties count toward <see cref="BaggageCodec.MaxLength"/> (a member's size is its whole encoded text) and go or
/// stay with their member under the baggage key filters.</para>
/// <para>Carried on the W3C path (also taken when the SDK's default W3C composite is configured): when the application
/// configured another propagator through
/// <see cref="OpenTelemetry.Context.Propagation.Propagators.DefaultTextMapPropagator"/> (B3 with OpenTelemetry's
/// <see cref="OpenTelemetry.Context.Propagation.BaggagePropagator"/>, say), the headers are what that propagator writes, and
/// OpenTelemetry's baggage propagator neither reads nor writes properties. Applications cannot add properties yet: this type
/// reads only.</para>
/// </remarks>
public static class BaggageProperties
{
    // Keyed by the key string instance the parser created: an entry lives as long as some baggage holds that key.
    private static readonly ConditionalWeakTable<string, BaggageMemberProperties> Table = new();

    // No property was ever parsed in this process: inject looks nothing up.
    private static volatile bool _attached;

    /// <summary>Gets a value indicating whether any member with properties was parsed in this process.</summary>
    internal static bool AnyAttached => _attached;

    /// <summary>Gets the properties the member <paramref name="key"/> of <see cref="Baggage.Current"/> was received with.</summary>
    /// <param name="key">The member's key (ordinal comparison).</param>
    /// <returns>The properties in the order received (repeated names kept); empty when the member has none, is absent,
    /// or was set to another value since it was received.</returns>
    public static IReadOnlyList<BaggageProperty> Get(string key) => Get(Baggage.Current, key);

    /// <summary>Gets the properties the member <paramref name="key"/> of <paramref name="baggage"/> was received with.</summary>
    /// <param name="baggage">The baggage (its own members only: the default value is empty baggage, not the current one).</param>
    /// <param name="key">The member's key (ordinal comparison).</param>
    /// <returns>The properties in the order received (repeated names kept); empty when the member has none, is absent,
    /// or was set to another value since it was received.</returns>
    public static IReadOnlyList<BaggageProperty> Get(Baggage baggage, string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_attached)
        {
            foreach (KeyValuePair<string, string> member in baggage)
            {
                if (string.Equals(member.Key, key, StringComparison.Ordinal))
                {
                    return TryFind(member, out BaggageMemberProperties? properties) ? properties.Properties : [];
                }
            }
        }

        return [];
    }

    /// <summary>Attaches properties to a key instance the parser has just created.</summary>
    internal static void Attach(string key, BaggageMemberProperties properties)
    {
        Table.AddOrUpdate(key, properties);
        _attached = true;
    }

    /// <summary>
    /// Finds the properties of a member: its key is an instance the parser attached properties to, and its value is still the
    /// one received (compared by content, which also covers the shared empty string).
    /// </summary>
    internal static bool TryFind(KeyValuePair<string, string> member, [NotNullWhen(true)] out BaggageMemberProperties? properties)
    {
        if (member.Key is not null && Table.TryGetValue(member.Key, out properties) && string.Equals(properties.Value, member.Value, StringComparison.Ordinal))
        {
            return true;
        }

        properties = null;
        return false;
    }
}
