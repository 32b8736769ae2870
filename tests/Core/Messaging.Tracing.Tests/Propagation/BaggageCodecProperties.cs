using System;
using System.Buffers;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Messaging.Tracing.Propagation;
using Messaging.Tracing.Tests.PropertyTesting;
using OpenTelemetry;
using Xunit;
using Xunit.Abstractions;

namespace Messaging.Tracing.Tests.Propagation;

[Trait("Category", "Reliability")]
public class BaggageCodecProperties(ITestOutputHelper output)
{
    private const string Parser = "baggage";

    // tchar of RFC 9110 §5.6.2.
    private const string TokenCharacters = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private static readonly SearchValues<char> Token = SearchValues.Create(TokenCharacters);

    /// <summary>Members as a caller may hand them to the writer: valid ones, keys that are not tokens, any values, repeats.</summary>
    private static readonly Gen<KeyValuePair<string, string>[]> AnyMembers =
        from valid in ValidHeaders.BaggageMembers
        from hostileCount in Gen.Choose(0, 6)
        from hostile in Gen.ArrayOf(
            Gen.Frequency(
                (3, ValidHeaders.BaggageKey),
                (1, HostileInput.NoiseString),
                (1, Gen.Constant(string.Empty)))
            .Zip(Gen.OneOf(ValidHeaders.BaggageValue, HostileInput.NoiseString), (k, v) => new KeyValuePair<string, string>(k, v)),
            hostileCount)
        from repeated in Gen.Elements(false, true)
        let all = valid.Concat(hostile).ToArray()
        from order in Gen.Shuffle(all)
        select repeated && all.Length > 0 ? [.. order, new KeyValuePair<string, string>(all[0].Key, "again")] : order;

    [Fact]
    public void Any_string_parses_without_throwing_to_whole_members_within_the_limits()
    {
        PropertyRun.Check(output, Parser, "strings", HostileInput.Strings(ValidHeaders.Baggage), value =>
        {
            Baggage fromChars = BaggageCodec.Parse(value.AsSpan());
            byte[] utf8 = Encoding.UTF8.GetBytes(value);
            Baggage fromBytes = BaggageCodec.Parse(utf8);
            AssertParsed(fromChars);
            if (utf8.Length <= BaggageCodec.MaxLength || Ascii.IsValid(value))
            {
                // The same members are read when nothing depends on where the byte and character offsets part.
                Assert.Equal(Sorted(fromChars), Sorted(fromBytes));
            }
            else
            {
                AssertParsed(fromBytes);
            }
        });
    }

    [Fact]
    public void Any_bytes_parse_without_throwing_to_whole_members_within_the_limits()
    {
        PropertyRun.Check(output, Parser, "bytes", HostileInput.Bytes(ValidHeaders.Baggage), value => AssertParsed(BaggageCodec.Parse(value)));
    }

    [Fact]
    public void Any_members_format_to_canonical_output_within_the_limits_that_parses_back()
    {
        PropertyRun.Check(output, Parser, "format", AnyMembers, members =>
        {
            string? text = BaggageCodec.Format(members);
            byte[]? utf8 = BaggageCodec.FormatUtf8(members);
            Assert.Equal(text, utf8 is null ? null : Encoding.ASCII.GetString(utf8));

            KeyValuePair<string, string>[] expected = Selected(members, keyFilter: null);
            if (expected.Length == 0)
            {
                Assert.Null(text);
                return;
            }

            Assert.NotNull(text);
            AssertCanonical(text);
            Assert.Equal(expected.Length, text.Split(',').Length);
            Assert.Equal(Sorted(LastWins(expected)), Sorted(BaggageCodec.Parse(text.AsSpan())));
            Assert.Equal(Sorted(LastWins(expected)), Sorted(BaggageCodec.Parse(utf8)));
        });
    }

    [Fact]
    public void Valid_baggage_round_trips_exactly_through_characters_and_bytes()
    {
        PropertyRun.Check(output, Parser, "round-trip", ValidHeaders.BaggageMembers, members =>
        {
            Baggage baggage = Baggage.Create(members.ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal));
            KeyValuePair<string, string>[] kept = Selected(baggage.GetBaggage(), keyFilter: null);

            string? text = BaggageCodec.Format(baggage.GetBaggage());
            byte[]? utf8 = BaggageCodec.FormatUtf8(baggage, keyFilter: null);
            Assert.Equal(text, utf8 is null ? null : Encoding.ASCII.GetString(utf8));
            Assert.Equal(Sorted(kept), Sorted(BaggageCodec.Parse(text.AsSpan())));
            Assert.Equal(Sorted(kept), Sorted(BaggageCodec.Parse(utf8)));
            if (kept.Length == members.Length)
            {
                // Nothing was over a limit: every member came back, exactly.
                Assert.Equal(Sorted(members), Sorted(BaggageCodec.Parse(text.AsSpan())));
            }
        });
    }

    [Fact]
    public void Loosely_written_headers_parse_to_their_members_and_properties()
    {
        var inputs =
            from members in ValidHeaders.BaggageMembers
            from properties in Gen.ArrayOf(ValidHeaders.BaggageProperties, members.Length)
            from separator in Gen.Elements(",", " , ", "\t,")
            from ows in Gen.Elements(string.Empty, " ", " \t ")
            select (members, properties, separator, ows);
        PropertyRun.Check(output, Parser, "loose-headers", inputs, input =>
        {
            (KeyValuePair<string, string>[] members, (string Name, string? Value)[][] properties, string separator, string ows) = input;

            // Values over-encoded (Uri.EscapeDataString encodes every reserved character), white space wherever allowed.
            string header = string.Join(separator, members.Select((m, i) => $"{ows}{m.Key}{ows}={ows}{Uri.EscapeDataString(m.Value)}" + string.Concat(
                properties[i].Select(p => p.Value is null ? $"{ows};{ows}{p.Name}{ows}" : $"{ows};{ows}{p.Name}{ows}={ows}{Uri.EscapeDataString(p.Value)}"))));
            Baggage parsed = BaggageCodec.Parse(header.AsSpan());
            AssertParsed(parsed);

            Dictionary<string, int> index = members.Select((m, i) => (m.Key, i)).ToDictionary(m => m.Key, m => m.i, StringComparer.Ordinal);
            Assert.All(parsed.GetBaggage(), item =>
            {
                Assert.Equal(members[index[item.Key]].Value, item.Value);
                Assert.Equal(properties[index[item.Key]].Select(p => new BaggageProperty(p.Name, p.Value)), BaggageProperties.Get(parsed, item.Key));
            });
            if (header.Length <= BaggageCodec.MaxLength && members.Length <= BaggageCodec.MaxMembers)
            {
                // The canonical text is never longer than this one: every member fits.
                Assert.Equal(members.Length, parsed.Count);
            }
        });
    }

    [Fact]
    public void Key_filters_keep_denied_keys_off_the_wire_and_out_of_the_result()
    {
        var inputs = AnyMembers.Zip(Gen.Choose(0, int.MaxValue));
        PropertyRun.Check(output, Parser, "filters", inputs, input =>
        {
            (KeyValuePair<string, string>[] members, int seed) = input;
            var random = new Random(seed);
            HashSet<string> denied = members.Select(m => m.Key).Where(_ => random.Next(2) == 0).ToHashSet(StringComparer.Ordinal);
            Func<string, bool> allowed = key => !denied.Contains(key);

            string? text = BaggageCodec.Format(members, allowed);
            KeyValuePair<string, string>[] expected = Selected(members, allowed);
            Assert.Equal(Sorted(LastWins(expected)), text is null ? [] : Sorted(BaggageCodec.Parse(text.AsSpan())));
            Assert.DoesNotContain(BaggageCodec.Parse(text.AsSpan()).GetBaggage(), item => denied.Contains(item.Key));

            string? unfiltered = BaggageCodec.Format(members);
            Baggage inbound = BaggageCodec.Parse(Encoding.UTF8.GetBytes(unfiltered ?? string.Empty), allowed);
            Assert.DoesNotContain(inbound.GetBaggage(), item => denied.Contains(item.Key));
        });
    }

    /// <summary>What every parse gives: at most MaxMembers members with token keys, whose canonical form fits MaxLength.</summary>
    private static void AssertParsed(Baggage baggage)
    {
        Assert.True(baggage.Count <= BaggageCodec.MaxMembers);
        Assert.All(baggage.GetBaggage(), item => Assert.True(IsToken(item.Key), item.Key));
        string? formatted = BaggageCodec.Format(baggage.GetBaggage());
        Assert.Equal(baggage.Count == 0, formatted is null);
        if (formatted is not null)
        {
            // Whatever was read is carried on whole, with its properties: its canonical form fits the limits and reads back
            // the same, and is its own canonical form.
            AssertCanonical(formatted);
            Baggage again = BaggageCodec.Parse(formatted.AsSpan());
            Assert.Equal(WithProperties(baggage), WithProperties(again));
            Assert.Equal(formatted, BaggageCodec.Format(again.GetBaggage()));
        }
    }

    /// <summary>
    /// Canonical output: ASCII within MaxLength, at most MaxMembers members joined by a bare ',', each a token key, '=' and
    /// a value, then properties each led by a bare ';', a token name and an optional '=' and value; values of baggage octets
    /// with upper-case percent escapes of exactly what must be encoded.
    /// </summary>
    private static void AssertCanonical(string value)
    {
        Assert.True(value.Length <= BaggageCodec.MaxLength);
        Assert.True(Ascii.IsValid(value));
        string[] members = value.Split(',');
        Assert.True(members.Length <= BaggageCodec.MaxMembers);
        foreach (string member in members)
        {
            string[] parts = member.Split(';');
            int equals = parts[0].IndexOf('=', StringComparison.Ordinal);
            Assert.True(equals > 0 && IsToken(parts[0][..equals]), member);
            AssertCanonicalValue(parts[0][(equals + 1)..], member);
            foreach (string property in parts[1..])
            {
                equals = property.IndexOf('=', StringComparison.Ordinal);
                Assert.True(IsToken(equals < 0 ? property : property[..equals]), member);
                if (equals >= 0)
                {
                    AssertCanonicalValue(property[(equals + 1)..], member);
                }
            }
        }
    }

    private static void AssertCanonicalValue(string encoded, string member)
    {
        for (int i = 0; i < encoded.Length; i++)
        {
            char c = encoded[i];
            if (c == '%')
            {
                Assert.True(i + 2 < encoded.Length && IsUpperHex(encoded[i + 1]) && IsUpperHex(encoded[i + 2]), member);
                byte escaped = Convert.ToByte(encoded.Substring(i + 1, 2), 16);
                Assert.False(escaped < 0x80 && escaped != (byte)'%' && IsOctet(escaped), $"{member}: needlessly encoded");
                i += 2;
            }
            else
            {
                Assert.True(c is '!' or (>= '#' and <= '+') or (>= '-' and <= ':') or (>= '<' and <= '[') or (>= ']' and <= '~'), member);
            }
        }
    }

    /// <summary>The members sorted by key, each as its key, its value, then each property's name and value (null: key-only).</summary>
    private static List<List<string?>> WithProperties(Baggage baggage) =>
        [.. baggage.GetBaggage().OrderBy(m => m.Key, StringComparer.Ordinal).Select(m =>
            new List<string?> { m.Key, m.Value }.Concat(BaggageProperties.Get(baggage, m.Key).SelectMany(p => new[] { p.Name, p.Value })).ToList())];

    /// <summary>The members the writer must keep, in order: token keys the filter accepts, while they fit the limits.</summary>
    private static KeyValuePair<string, string>[] Selected(IEnumerable<KeyValuePair<string, string>> members, Func<string, bool>? keyFilter)
    {
        var kept = new List<KeyValuePair<string, string>>();
        int length = 0;
        foreach (KeyValuePair<string, string> member in members)
        {
            if (kept.Count == BaggageCodec.MaxMembers)
            {
                break;
            }

            if (string.IsNullOrEmpty(member.Key) || !IsToken(member.Key) || (keyFilter is not null && !keyFilter(member.Key)))
            {
                continue;
            }

            int size = EncodedSize(member);
            int separator = kept.Count > 0 ? 1 : 0;
            if (length + separator + size <= BaggageCodec.MaxLength)
            {
                // The reader sees the value as UTF-8 carries it: lone surrogates become U+FFFD.
                kept.Add(new KeyValuePair<string, string>(member.Key, Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(member.Value))));
                length += separator + size;
            }
        }

        return [.. kept];
    }

    private static int EncodedSize(KeyValuePair<string, string> member) =>
        member.Key.Length + 1 + Encoding.UTF8.GetBytes(member.Value).Sum(b => b is < 0x80 and not (byte)'%' && IsOctet(b) ? 1 : 3);

    private static IEnumerable<KeyValuePair<string, string>> LastWins(KeyValuePair<string, string>[] members)
    {
        var last = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, string> member in members)
        {
            last[member.Key] = member.Value;
        }

        return last;
    }

    private static List<KeyValuePair<string, string>> Sorted(Baggage baggage) => Sorted(baggage.GetBaggage());

    private static List<KeyValuePair<string, string>> Sorted(IEnumerable<KeyValuePair<string, string>> members) =>
        [.. members.OrderBy(m => m.Key, StringComparer.Ordinal)];

    private static bool IsToken(string key) => key.Length > 0 && !key.AsSpan().ContainsAnyExcept(Token);

    private static bool IsOctet(byte c) => c is 0x21 or (>= 0x23 and <= 0x2B) or (>= 0x2D and <= 0x3A) or (>= 0x3C and <= 0x5B) or (>= 0x5D and <= 0x7E);

    private static bool IsUpperHex(char c) => c is (>= '0' and <= '9') or (>= 'A' and <= 'F');
}
