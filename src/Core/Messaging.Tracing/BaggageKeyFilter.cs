using System;
using System.Buffers;
using System.Collections.Frozen;
using System.Collections.Generic;

namespace Messaging.Tracing;

/// <summary>
/// Ready-made baggage key filters for <see cref="MessagingTracingOptions.InboundBaggageFilter"/> and
/// <see cref="MessagingTracingOptions.OutboundBaggageFilter"/>: an allow list (only these keys) or a deny list (every key
/// but these).
/// </summary>
/// <remarks>
/// Keys are compared ordinally (W3C Baggage keys are case-sensitive). The keys are checked when the filter is created,
/// so a typo fails at start-up rather than silently letting a key through: each must be a W3C Baggage key (an RFC 9110
/// token, §5.6.2). The returned predicate is thread-safe and allocation-free.
/// </remarks>
/// <example>
/// <code>
/// services.AddMessagingTracing(o =>
/// {
///     o.InboundBaggageFilter = BaggageKeyFilter.Allow("tenant", "user.tier");
///     o.OutboundBaggageFilter = BaggageKeyFilter.Deny("user.email", "session.token");
/// });
/// </code>
/// </example>
public static class BaggageKeyFilter
{
    // tchar of RFC 9110 §5.6.2: the characters of a baggage key (W3C Baggage, "key").
    private static readonly SearchValues<char> TokenCharacters =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    /// <summary>A filter that accepts only the given keys.</summary>
    /// <param name="keys">The keys to accept; none means no key is accepted.</param>
    /// <returns>The predicate: true for a listed key.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="keys"/> is null.</exception>
    /// <exception cref="ArgumentException">A key is null, empty or not a W3C Baggage key.</exception>
    public static Func<string, bool> Allow(params string[] keys) => Allow((IEnumerable<string>)keys);

    /// <summary>A filter that accepts only the given keys.</summary>
    /// <param name="keys">The keys to accept; none means no key is accepted.</param>
    /// <returns>The predicate: true for a listed key.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="keys"/> is null.</exception>
    /// <exception cref="ArgumentException">A key is null, empty or not a W3C Baggage key.</exception>
    public static Func<string, bool> Allow(IEnumerable<string> keys)
    {
        FrozenSet<string> allowed = ToSet(keys);
        return key => key is not null && allowed.Contains(key);
    }

    /// <summary>A filter that accepts every key but the given ones.</summary>
    /// <param name="keys">The keys to refuse; none means every key is accepted.</param>
    /// <returns>The predicate: false for a listed key.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="keys"/> is null.</exception>
    /// <exception cref="ArgumentException">A key is null, empty or not a W3C Baggage key.</exception>
    public static Func<string, bool> Deny(params string[] keys) => Deny((IEnumerable<string>)keys);

    /// <summary>A filter that accepts every key but the given ones.</summary>
    /// <param name="keys">The keys to refuse; none means every key is accepted.</param>
    /// <returns>The predicate: false for a listed key.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="keys"/> is null.</exception>
    /// <exception cref="ArgumentException">A key is null, empty or not a W3C Baggage key.</exception>
    public static Func<string, bool> Deny(IEnumerable<string> keys)
    {
        FrozenSet<string> denied = ToSet(keys);
        return key => key is not null && !denied.Contains(key);
    }

    private static FrozenSet<string> ToSet(IEnumerable<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (string key in keys)
        {
            if (string.IsNullOrEmpty(key) || key.AsSpan().ContainsAnyExcept(TokenCharacters))
            {
                throw new ArgumentException($"'{key}' is not a W3C Baggage key (an RFC 9110 token).", nameof(keys));
            }

            set.Add(key);
        }

        return set.ToFrozenSet(StringComparer.Ordinal);
    }
}
