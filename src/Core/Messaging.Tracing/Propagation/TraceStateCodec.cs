using System;
using System.Numerics;
using System.Threading;

namespace Messaging.Tracing.Propagation;

/// <summary>
/// Validates and normalizes the W3C <c>tracestate</c> value (https://www.w3.org/TR/trace-context/#tracestate-header),
/// keeping every member that can be kept.
/// </summary>
/// <remarks>
/// <para>Keys follow the Level 2 grammar (W3C Trace Context, "Key"): <c>key = (lcalpha / DIGIT) 0*255 keychar</c>,
/// <c>keychar = lcalpha / DIGIT / "_" / "-" / "*" / "/" / "@"</c> — no tenant/system split, so <c>foo@</c>,
/// <c>foo@@bar</c> and <c>1abc</c> are keys. Values: <c>0*255(chr) nblk-chr</c> ("Value").</para>
/// <para>What cannot be kept is discarded member by member, and the rest is kept in order: a member that fails the
/// grammar (the processing model: "Invalid tracestate entries MAY also be discarded"); a member whose key an earlier
/// member already has — the left-most, most recent one is kept ("Mutating the tracestate Field": vendors "MAY also
/// discard duplicate keys"); every member after the first <see cref="MaxMembers"/> kept ones ("tracestate Header Field
/// Values": the right-most members go). When nothing valid remains, there is no trace state.</para>
/// <para>The result is canonical: members joined by <c>,</c>, without optional white space or empty members. A list
/// longer than <see cref="MaxLength"/> is truncated by whole members: members longer than
/// <see cref="LargeMemberLength"/> go first, then members from the end ("tracestate Limits"). Truncation is this
/// library's limit, not a fault of the sender, and is not reported as a discard.</para>
/// </remarks>
public static class TraceStateCodec
{
    /// <summary>Most list members a <c>tracestate</c> may hold (W3C Trace Context, "tracestate Header Field Values").</summary>
    public const int MaxMembers = 32;

    /// <summary>Length this library propagates at most; the specification asks for at least 512 ("tracestate Limits").</summary>
    public const int MaxLength = 512;

    /// <summary>Members longer than this are removed first when truncating ("tracestate Limits").</summary>
    public const int LargeMemberLength = 128;

    // Key and value grammar limits ("Key", "Value").
    private const int MaxKeyLength = 256;
    private const int MaxValueLength = 256;

    // The last value found canonical. A span's trace state is the very string instance of its parent's — the one this
    // codec returned on extract — so the injects of one trace find it here and skip validating it again. Strings are
    // immutable: the same instance always normalizes to itself.
    private static string? _lastCanonical;

    /// <summary>Validates and normalizes a <c>tracestate</c> value given as a string.</summary>
    /// <param name="value">The header value; <see langword="null"/> or white space means "no trace state".</param>
    /// <param name="traceState">
    /// The members kept, canonical (the same instance when <paramref name="value"/> is already canonical), or
    /// <see langword="null"/> when none is kept. Set whatever the result.
    /// </param>
    /// <returns>
    /// <see langword="true"/> when every member was kept (truncation to <see cref="MaxLength"/> aside);
    /// <see langword="false"/> when a member was discarded: invalid, a duplicated key, or past the 32nd.
    /// </returns>
    public static bool TryNormalize(string? value, out string? traceState)
    {
        if (value is null)
        {
            traceState = null;
            return true;
        }

        return TryNormalizeCore(value.AsSpan(), value, out traceState);
    }

    /// <summary>
    /// <see cref="TryNormalize(string?, out string?)"/> for the inject path: a value this codec returned (or validated)
    /// last is canonical already and returned at once.
    /// </summary>
    internal static bool TryNormalizeCached(string value, out string? traceState)
    {
        if (ReferenceEquals(value, Volatile.Read(ref _lastCanonical)))
        {
            traceState = value;
            return true;
        }

        bool complete = TryNormalizeCore(value.AsSpan(), value, out traceState);
        if (complete && ReferenceEquals(traceState, value))
        {
            Volatile.Write(ref _lastCanonical, value);
        }

        return complete;
    }

    /// <summary>Validates and normalizes a <c>tracestate</c> value given as characters.</summary>
    /// <param name="value">The header value.</param>
    /// <param name="traceState">The members kept, canonical, or <see langword="null"/> when none is kept.</param>
    /// <returns><see langword="false"/> when a member was discarded (see <see cref="TryNormalize(string?, out string?)"/>).</returns>
    public static bool TryNormalize(ReadOnlySpan<char> value, out string? traceState) => TryNormalizeCore(value, null, out traceState);

    /// <summary>Validates and normalizes a <c>tracestate</c> value given as UTF-8 (ASCII) bytes.</summary>
    /// <param name="value">The header value.</param>
    /// <param name="traceState">The members kept, canonical, or <see langword="null"/> when none is kept.</param>
    /// <returns><see langword="false"/> when a member was discarded (see <see cref="TryNormalize(string?, out string?)"/>).</returns>
    public static bool TryNormalize(ReadOnlySpan<byte> value, out string? traceState) => TryNormalizeCore(value, null, out traceState);

    private static bool TryNormalizeCore<T>(ReadOnlySpan<T> value, string? original, out string? traceState)
        where T : unmanaged, IBinaryInteger<T>
    {
        traceState = null;
        Span<int> starts = stackalloc int[MaxMembers];
        Span<int> lengths = stackalloc int[MaxMembers];
        Span<int> keyLengths = stackalloc int[MaxMembers];
        int count = 0;
        bool complete = true;
        int position = 0;
        while (position <= value.Length)
        {
            int comma = value[position..].IndexOf(T.CreateTruncating(','));
            int end = comma < 0 ? value.Length : position + comma;
            int start = position;
            int stop = end;
            while (start < stop && IsOws(value[start]))
            {
                start++;
            }

            while (stop > start && IsOws(value[stop - 1]))
            {
                stop--;
            }

            if (stop > start)
            {
                if (count == MaxMembers)
                {
                    // A 33rd member: the left-most 32 kept are the list, the rest is not read.
                    complete = false;
                    break;
                }

                if (IsValidMember(value[start..stop], out int keyLength) && !HasKey(value, starts[..count], keyLengths[..count], start, keyLength))
                {
                    starts[count] = start;
                    lengths[count] = stop - start;
                    keyLengths[count] = keyLength;
                    count++;
                }
                else
                {
                    complete = false;
                }
            }

            position = end + 1;
        }

        if (count == 0)
        {
            return complete;
        }

        int total = count - 1;
        for (int i = 0; i < count; i++)
        {
            total += lengths[i];
        }

        if (original is not null && total == original.Length && total <= MaxLength)
        {
            traceState = original;
            return complete;
        }

        total = Truncate(lengths[..count], total);
        traceState = Join(value, starts[..count], lengths[..count], total);

        // The joined list is canonical (no white space, no empty member, within MaxLength): the spans that carry it on
        // will inject this instance.
        Volatile.Write(ref _lastCanonical, traceState);
        return complete;
    }

    /// <summary>Marks removed members with length 0 until the joined length fits; returns the joined length.</summary>
    private static int Truncate(Span<int> lengths, int total)
    {
        for (int i = lengths.Length - 1; i >= 0 && total > MaxLength; i--)
        {
            if (lengths[i] > LargeMemberLength)
            {
                total -= lengths[i] + 1;
                lengths[i] = 0;
            }
        }

        for (int i = lengths.Length - 1; i >= 0 && total > MaxLength; i--)
        {
            if (lengths[i] > 0)
            {
                total -= lengths[i] + 1;
                lengths[i] = 0;
            }
        }

        return total;
    }

    private static string? Join<T>(ReadOnlySpan<T> value, ReadOnlySpan<int> starts, ReadOnlySpan<int> lengths, int total)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (total <= 0)
        {
            return null;
        }

        Span<char> buffer = total <= 1024 ? stackalloc char[total] : new char[total];
        int written = 0;
        for (int i = 0; i < starts.Length; i++)
        {
            if (lengths[i] == 0)
            {
                continue;
            }

            if (written > 0)
            {
                buffer[written++] = ',';
            }

            foreach (T c in value.Slice(starts[i], lengths[i]))
            {
                buffer[written++] = (char)ushort.CreateTruncating(c);
            }
        }

        return new string(buffer[..written]);
    }

    /// <summary>Whether a kept member has the key at <paramref name="start"/>: at most 32 compares of at most 256 characters.</summary>
    private static bool HasKey<T>(ReadOnlySpan<T> value, ReadOnlySpan<int> starts, ReadOnlySpan<int> keyLengths, int start, int keyLength)
        where T : unmanaged, IBinaryInteger<T>
    {
        ReadOnlySpan<T> key = value.Slice(start, keyLength);
        for (int i = 0; i < starts.Length; i++)
        {
            if (keyLengths[i] == keyLength && value.Slice(starts[i], keyLength).SequenceEqual(key))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsValidMember<T>(ReadOnlySpan<T> member, out int keyLength)
        where T : unmanaged, IBinaryInteger<T>
    {
        keyLength = member.IndexOf(T.CreateTruncating('='));
        return keyLength > 0 && IsValidKey(member[..keyLength]) && IsValidValue(member[(keyLength + 1)..]);
    }

    private static bool IsValidKey<T>(ReadOnlySpan<T> key)
        where T : unmanaged, IBinaryInteger<T>
        => key.Length <= MaxKeyLength && (IsLowerAlpha(key[0]) || IsDigit(key[0])) && AreKeyChars(key[1..]);

    private static bool AreKeyChars<T>(ReadOnlySpan<T> chars)
        where T : unmanaged, IBinaryInteger<T>
    {
        foreach (T t in chars)
        {
            int c = int.CreateTruncating(t);
            // keychar = lcalpha / DIGIT / "_" / "-" / "*" / "/" / "@"
            if (!(IsLowerAlpha(t) || IsDigit(t) || c is '_' or '-' or '*' or '/' or '@'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsValidValue<T>(ReadOnlySpan<T> value)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (value.Length is 0 or > MaxValueLength || int.CreateTruncating(value[^1]) == ' ')
        {
            return false;
        }

        foreach (T t in value)
        {
            // chr = %x20 / nblk-chr; nblk-chr = %x21-2B / %x2D-3C / %x3E-7E
            int c = int.CreateTruncating(t);
            if (c is < 0x20 or > 0x7E or ',' or '=')
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsOws<T>(T t)
        where T : unmanaged, IBinaryInteger<T> => int.CreateTruncating(t) is ' ' or '\t';

    private static bool IsLowerAlpha<T>(T t)
        where T : unmanaged, IBinaryInteger<T> => int.CreateTruncating(t) is >= 'a' and <= 'z';

    private static bool IsDigit<T>(T t)
        where T : unmanaged, IBinaryInteger<T> => int.CreateTruncating(t) is >= '0' and <= '9';
}
