using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;

namespace Messaging.Tracing.Tests.PropertyTesting;

/// <summary>Generators of valid W3C values: contexts, traceparent strings, tracestate lists and baggage members.</summary>
internal static class ValidHeaders
{
    private const string LowerAlpha = "abcdefghijklmnopqrstuvwxyz";
    private const string Digits = "0123456789";

    // keychar: the characters after the first of a tracestate key (W3C Trace Context Level 2, "Key").
    private const string KeyCharacters = LowerAlpha + Digits + "_-*/@";

    // chr of a tracestate value, space first (a value must not end with it): %x20-2B / %x2D-3C / %x3E-7E.
    private const string TraceStateValueCharacters = " !\"#$%&'()*+-./0123456789:;<>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";

    private const string PrintableAscii = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";

    // tchar of RFC 9110 §5.6.2: a baggage key.
    private const string TokenCharacters = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>A context with random non-zero ids and any trace-flags byte (unknown bits included).</summary>
    public static Gen<ActivityContext> Context { get; } =
        from traceId in NonZeroBytes(16)
        from spanId in NonZeroBytes(8)
        from flags in Gen.Choose(0, byte.MaxValue)
        select new ActivityContext(
            ActivityTraceId.CreateFromBytes(traceId),
            ActivitySpanId.CreateFromBytes(spanId),
            (ActivityTraceFlags)flags,
            traceState: null,
            isRemote: true);

    /// <summary>A valid traceparent: version 00 with any flags byte, or a later version with optional extra fields.</summary>
    public static Gen<string> TraceParent { get; } =
        from context in Context
        from version in Gen.Frequency((8, Gen.Constant(0)), (1, Gen.Choose(1, 0xFE)))
        from suffix in Gen.Elements(string.Empty, "-", "-01", "-what-the-future-holds")
        select $"{version:x2}-{context.TraceId.ToHexString()}-{context.SpanId.ToHexString()}-{(int)context.TraceFlags:x2}{(version == 0 ? string.Empty : suffix)}";

    /// <summary>
    /// A tracestate key of the Level 2 grammar (W3C Trace Context, "Key"): <c>(lcalpha / DIGIT) 0*255 keychar</c>, sometimes
    /// with many <c>@</c> (no tenant/system split any more).
    /// </summary>
    public static Gen<string> TraceStateKey { get; } = Gen.Frequency(
        (3, from first in Gen.Elements((LowerAlpha + Digits).ToCharArray())
            from rest in RandomText.Of(KeyCharacters, RandomText.ShortOrLong(255))
            select first + rest),
        (1, from first in Gen.Elements((LowerAlpha + Digits).ToCharArray())
            from rest in RandomText.Of("ab@", RandomText.ShortOrLong(255))
            select first + rest));

    /// <summary>A tracestate value: 1 to 256 printable characters but ',' and '=', not ending in a space.</summary>
    public static Gen<string> TraceStateValue { get; } =
        from body in RandomText.Of(TraceStateValueCharacters, RandomText.ShortOrLong(255))
        from last in RandomText.Of(TraceStateValueCharacters[1..], Gen.Constant(1))
        select body + last;

    /// <summary>Valid tracestate members (unique keys), 0 to 32 of them.</summary>
    public static Gen<KeyValuePair<string, string>[]> TraceStateMembers { get; } =
        from count in Gen.Frequency((6, Gen.Choose(0, 6)), (2, Gen.Choose(7, 31)), (1, Gen.Constant(32)))
        from members in Gen.ArrayOf(TraceStateKey.Zip(TraceStateValue, (k, v) => new KeyValuePair<string, string>(k, v)), count)
        select members.DistinctBy(m => m.Key, StringComparer.Ordinal).ToArray();

    /// <summary>A valid tracestate written loosely: optional white space around members and empty members.</summary>
    public static Gen<string> TraceState { get; } =
        from members in TraceStateMembers
        from separators in Gen.ArrayOf(Gen.Elements(",", ",", ",", ", ", " ,\t", ",,", " , , "), members.Length + 1)
        select Join(members, separators);

    /// <summary>A baggage key (a token).</summary>
    public static Gen<string> BaggageKey { get; } =
        RandomText.Of(TokenCharacters, Gen.Frequency((4, Gen.Choose(1, 12)), (1, Gen.Choose(13, 64))));

    /// <summary>A baggage value: well-formed unicode of any kind, from plain ASCII to emoji, sometimes long.</summary>
    public static Gen<string> BaggageValue { get; } = Gen.Frequency(
        (12, RandomText.Of(PrintableAscii, RandomText.ShortOrLong(300))),
        (4, ShortOrLong(Gen.Elements("a", " ", "%", ",", ";", "=", "\"", "\\", "+", "\u00e9", "\u20ac", "\U0001F600", "\u0000", "\r\n"), 60)),
        (3, RandomText.AnyScalars(RandomText.ShortOrLong(100))),
        (1, Gen.Choose(1, 9000).Select(n => new string('v', n))));

    /// <summary>Valid baggage members (unique keys): usually a few, sometimes more than the codec carries.</summary>
    public static Gen<KeyValuePair<string, string>[]> BaggageMembers { get; } =
        from count in Gen.Frequency((24, Gen.Choose(0, 8)), (6, Gen.Choose(9, 64)), (1, Gen.Choose(150, 260)))
        from members in Gen.ArrayOf(BaggageKey.Zip(BaggageValue, (k, v) => new KeyValuePair<string, string>(k, v)), count)
        select members.DistinctBy(m => m.Key, StringComparer.Ordinal).ToArray();

    /// <summary>
    /// Properties of a baggage member (W3C Baggage, "property"): token names, repeated at times, each key-only (null value) or
    /// with a value of well-formed unicode, empty at times.
    /// </summary>
    public static Gen<(string Name, string? Value)[]> BaggageProperties { get; } =
        from count in Gen.Frequency((3, Gen.Constant(0)), (6, Gen.Choose(1, 3)), (1, Gen.Choose(4, 12)))
        from properties in Gen.ArrayOf(
            Gen.Frequency((1, Gen.Constant("p")), (3, BaggageKey))
                .Zip(Gen.Frequency((1, Gen.Constant<string?>(null)), (3, BaggageValue.Select(v => (string?)v)))),
            count)
        select properties;

    /// <summary>A valid baggage header written loosely: optional white space, properties after values.</summary>
    public static Gen<string> Baggage { get; } =
        from members in BaggageMembers
        from spaced in Gen.Elements(false, true)
        from properties in Gen.Elements(string.Empty, ";p", ";p=1", "; q = 2 ", " ; p = %41%FF ;p;p=", ";a%2B=%2B+")
        select string.Join(spaced ? " , " : ",", members.Select(m => $"{m.Key}={Uri.EscapeDataString(m.Value)}{properties}"));


    private static string Join(KeyValuePair<string, string>[] members, string[] separators)
    {
        var joined = new System.Text.StringBuilder(separators[0].TrimStart(','));
        for (int i = 0; i < members.Length; i++)
        {
            joined.Append(members[i].Key).Append('=').Append(members[i].Value).Append(separators[i + 1]);
        }

        return joined.ToString();
    }

    private static Gen<string> ShortOrLong(Gen<string> element, int max) =>
        Gen.Frequency((12, Gen.Choose(0, 8)), (1, Gen.Choose(0, max)))
            .SelectMany(n => Gen.ArrayOf(element, n))
            .Select(string.Concat);

    private static Gen<byte[]> NonZeroBytes(int length) =>
        Gen.ArrayOf(Gen.Choose(0, byte.MaxValue).Select(b => (byte)b), length).Where(bytes => bytes.Any(b => b != 0));
}
