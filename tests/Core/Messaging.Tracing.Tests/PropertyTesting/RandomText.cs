using System;
using FsCheck;
using FsCheck.Fluent;

namespace Messaging.Tracing.Tests.PropertyTesting;

/// <summary>
/// Strings and bytes drawn in one step from a seed FsCheck generates: far cheaper than one generator call per character,
/// and as deterministic (the seed comes from the run's seed).
/// </summary>
internal static class RandomText
{
    // The characters the three grammars care about, so noise often almost parses.
    private const string GrammarCharacters = "0123456789abcdefABCDEFxyz-=,;%@*/_+. \t";

    /// <summary>A length from 0 to the current FsCheck size.</summary>
    public static Gen<int> SizedLength { get; } = Gen.Sized(size => Gen.Choose(0, size));

    private static Gen<int> Seed => Gen.Choose(int.MinValue, int.MaxValue);

    /// <summary>Strings of characters from <paramref name="alphabet"/>.</summary>
    public static Gen<string> Of(string alphabet, Gen<int> length) =>
        length.Zip(Seed).Select(t => string.Create(t.Item1, (alphabet, t.Item2), static (span, state) =>
        {
            var random = new Random(state.Item2);
            for (int i = 0; i < span.Length; i++)
            {
                span[i] = state.alphabet[random.Next(state.alphabet.Length)];
            }
        }));

    /// <summary>Strings of any UTF-16 code units, lone surrogates included.</summary>
    public static Gen<string> AnyCharacters(Gen<int> length) =>
        length.Zip(Seed).Select(t => string.Create(t.Item1, t.Item2, static (span, seed) =>
        {
            var random = new Random(seed);
            for (int i = 0; i < span.Length; i++)
            {
                span[i] = (char)random.Next(char.MaxValue + 1);
            }
        }));

    /// <summary>
    /// Strings of mostly grammar characters and printable ASCII, sometimes control characters or any code unit.
    /// </summary>
    public static Gen<string> HeaderCharacters(Gen<int> length) =>
        length.Zip(Seed).Select(t => string.Create(t.Item1, t.Item2, static (span, seed) =>
        {
            var random = new Random(seed);
            for (int i = 0; i < span.Length; i++)
            {
                span[i] = random.Next(11) switch
                {
                    < 6 => GrammarCharacters[random.Next(GrammarCharacters.Length)],
                    < 9 => (char)random.Next(0x20, 0x7F),
                    9 => (char)random.Next(0x20),
                    _ => (char)random.Next(char.MaxValue + 1),
                };
            }
        }));

    /// <summary>Well-formed strings of any Unicode scalar values (no lone surrogates): ASCII, accents, CJK, emoji.</summary>
    public static Gen<string> AnyScalars(Gen<int> length) =>
        length.Zip(Seed).Select(t =>
        {
            var random = new Random(t.Item2);
            var text = new System.Text.StringBuilder(2 * t.Item1);
            for (int i = 0; i < t.Item1; i++)
            {
                int scalar = random.Next(4) switch
                {
                    0 => random.Next(0x80),
                    1 => random.Next(0x80, 0x800),
                    2 => random.Next(0x800, 0xD800),
                    _ => random.Next(0x10000, 0x110000),
                };
                text.Append(char.ConvertFromUtf32(scalar));
            }

            return text.ToString();
        });

    /// <summary>Any bytes.</summary>
    public static Gen<byte[]> AnyBytes(Gen<int> length) =>
        length.Zip(Seed).Select(t =>
        {
            var bytes = new byte[t.Item1];
            new Random(t.Item2).NextBytes(bytes);
            return bytes;
        });

    /// <summary>Usually a short length (up to 8), sometimes one up to <paramref name="max"/>.</summary>
    public static Gen<int> ShortOrLong(int max) => Gen.Frequency((12, Gen.Choose(0, 8)), (1, Gen.Choose(0, max)));
}
