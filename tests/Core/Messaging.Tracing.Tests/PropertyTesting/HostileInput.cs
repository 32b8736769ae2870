using System;
using System.Linq;
using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Messaging.Tracing.Tests.PropertyTesting;

/// <summary>
/// Generators of hostile header values: random noise (any UTF-16 character, any byte) and structure-aware mutations of
/// valid values — case flips, truncation, inserted separators, white space, control characters, CR LF, NUL, unicode and
/// invalid UTF-8, deleted and replaced characters, duplicated and hugely repeated values.
/// </summary>
internal static class HostileInput
{
    /// <summary>Longest repetition of a value (a header holding it 10,000 times, joined by ',').</summary>
    public const int MaxRepetitions = 10_000;

    /// <summary>Longest run of one character inserted into a value (past every length limit of the three headers).</summary>
    public const int MaxPadding = 20_000;

    /// <summary>Longest value a repetition makes (100,000 characters, 12 times the largest limit), so mutations of mutations stay affordable.</summary>
    public const int MaxRepeatedLength = 100_000;

    // The characters the three grammars care about, so noise often almost parses.
    private const string GrammarCharacters = "0123456789abcdefABCDEFxyz-=,;%@*/_+. \t";

    private static readonly string[] Insertions =
    [
        ",", ",,", ";", "=", "-", "--", "@", "%", "%2", "%zz", "%C3", "%FF", "%e2%82%ac", " ", "\t", "  \t ", "\r\n", "\r", "\n",
        "\0", "\u0001", "\u007f", "\u0085", "\u00a0", "\u00e9", "\u200b", "\u2028", "\ufeff", "\ud800", "\udc00", "\U0001F600",
        "\u0661", "\"", "\\", "k=v", "a@b=c", "=", ",=,", ";p=1",
    ];

    private static readonly byte[][] InvalidUtf8 =
    [
        [0xFF], [0xFE], [0x80], [0xBF], [0xC0, 0xAF], [0xC1, 0xBF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xE2, 0x82],
        [0xF0, 0x9F], [0xF4, 0x90, 0x80, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0x00], [0xC3], [0xE2, 0x28, 0xA1],
    ];

    /// <summary>Any UTF-16 code unit, lone surrogates included.</summary>
    public static Gen<char> AnyChar { get; } = Gen.Choose(0, char.MaxValue).Select(c => (char)c);

    /// <summary>Mostly grammar characters and printable ASCII, sometimes control or non-ASCII characters.</summary>
    public static Gen<char> HeaderChar { get; } = Gen.Frequency(
        (6, Gen.Elements(GrammarCharacters.ToCharArray())),
        (3, Gen.Choose(0x20, 0x7E).Select(c => (char)c)),
        (1, Gen.Choose(0x00, 0x1F).Select(c => (char)c)),
        (1, AnyChar));

    /// <summary>One change to UTF-8 bytes: invalid sequences inserted, or a cut in the middle of a sequence.</summary>
    public static Gen<Func<byte[], byte[]>> ByteMutation { get; } = Gen.Frequency(
        (2, Gen.Constant<Func<byte[], byte[]>>(bytes => bytes)),
        (3, Position.Zip(Gen.Elements(InvalidUtf8)).Select(t => (Func<byte[], byte[]>)(bytes =>
        {
            int at = bytes.Length == 0 ? 0 : t.Item1 % (bytes.Length + 1);
            return [.. bytes.AsSpan(0, at), .. t.Item2, .. bytes.AsSpan(at)];
        }))),
        (1, Position.Select(p => (Func<byte[], byte[]>)(bytes => bytes.AsSpan(0, bytes.Length == 0 ? 0 : p % (bytes.Length + 1)).ToArray()))),
        (1, Position.Zip(Gen.Choose(0x80, 0xFF)).Select(t => (Func<byte[], byte[]>)(bytes =>
        {
            byte[] copy = (byte[])bytes.Clone();
            if (copy.Length > 0)
            {
                copy[t.Item1 % copy.Length] = (byte)t.Item2;
            }

            return copy;
        }))));

    /// <summary>Random strings: any characters, or characters of the header grammars.</summary>
    public static Gen<string> NoiseString { get; } = Gen.OneOf(
        RandomText.AnyCharacters(RandomText.SizedLength),
        RandomText.HeaderCharacters(RandomText.SizedLength));

    /// <summary>Random bytes: any bytes, or header characters as UTF-8 with invalid UTF-8 here and there.</summary>
    public static Gen<byte[]> NoiseBytes { get; } = Gen.OneOf(
        RandomText.AnyBytes(RandomText.SizedLength),
        from s in NoiseString
        from mutate in ByteMutation
        select mutate(Encoding.UTF8.GetBytes(s)));

    /// <summary>One structure-aware change to a string.</summary>
    public static Gen<Func<string, string>> StringMutation { get; } = Gen.Frequency(
        (4, Position.Select(p => (Func<string, string>)(s => FlipCase(s, p)))),
        (3, Position.Select(p => (Func<string, string>)(s => s[..At(s, p)]))),
        (6, Position.Zip(Gen.Elements(Insertions)).Select(t => (Func<string, string>)(s => s.Insert(At(s, t.Item1), t.Item2)))),
        (2, Position.Zip(HeaderChar).Select(t => (Func<string, string>)(s => s.Insert(At(s, t.Item1), t.Item2.ToString())))),
        (3, Position.Select(p => (Func<string, string>)(s => s.Length == 0 ? s : s.Remove(At(s, p) % s.Length, 1)))),
        (3, Position.Zip(HeaderChar).Select(t => (Func<string, string>)(s => Replace(s, t.Item1, t.Item2)))),
        (2, Gen.Elements(",", ", ", " ,\t", ",,").Select(separator => (Func<string, string>)(s => s + separator + s))),
        (1, Gen.Choose(2, 40).Select(n => (Func<string, string>)(s => Repeat(s, n)))),
        (1, Gen.Choose(2, 8).Select(n => (Func<string, string>)(s => Repeat(s, n * n * n * n)))),
        (1, Position.Zip(Gen.Choose(100, MaxPadding)).Zip(Gen.Elements('a', '0', ' ', '%', ','))
            .Select(t => (Func<string, string>)(s => s.Insert(At(s, t.Item1.Item1), new string(t.Item2, t.Item1.Item2))))));

    private static Gen<int> Position => Gen.Choose(0, int.MaxValue);

    /// <summary>A valid value with one to four mutations applied (sometimes none).</summary>
    public static Gen<string> Mutated(Gen<string> valid) =>
        from value in valid
        from count in Gen.Frequency((1, Gen.Constant(0)), (6, Gen.Choose(1, 2)), (2, Gen.Choose(3, 4)))
        from mutations in Gen.ArrayOf(StringMutation, count)
        select mutations.Aggregate(value, (current, mutate) => mutate(current));

    /// <summary>A mutated valid value as UTF-8, with byte-level damage (invalid UTF-8) on top.</summary>
    public static Gen<byte[]> MutatedBytes(Gen<string> valid) =>
        from value in Mutated(valid)
        from mutate in ByteMutation
        select mutate(Encoding.UTF8.GetBytes(value));

    /// <summary>Noise or mutations of valid values, as strings.</summary>
    public static Gen<string> Strings(Gen<string> valid) => Gen.Frequency((1, NoiseString), (3, Mutated(valid)));

    /// <summary>Noise or mutations of valid values, as bytes.</summary>
    public static Gen<byte[]> Bytes(Gen<string> valid) => Gen.Frequency((1, NoiseBytes), (3, MutatedBytes(valid)));

    private static int At(string s, int position) => position % (s.Length + 1);

    private static string FlipCase(string s, int position)
    {
        if (s.Length == 0)
        {
            return s;
        }

        char[] chars = s.ToCharArray();
        int at = position % chars.Length;
        chars[at] = char.IsUpper(chars[at]) ? char.ToLowerInvariant(chars[at]) : char.ToUpperInvariant(chars[at]);
        return new string(chars);
    }

    private static string Replace(string s, int position, char c)
    {
        if (s.Length == 0)
        {
            return s;
        }

        char[] chars = s.ToCharArray();
        chars[position % chars.Length] = c;
        return new string(chars);
    }

    /// <summary>The value <paramref name="times"/> times joined by ',', kept under <see cref="MaxRepeatedLength"/> characters.</summary>
    private static string Repeat(string s, int times) =>
        string.Join(',', Enumerable.Repeat(s, Math.Max(1, Math.Min(Math.Min(times, MaxRepetitions), MaxRepeatedLength / (s.Length + 1)))));
}
