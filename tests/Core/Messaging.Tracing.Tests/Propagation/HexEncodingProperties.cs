using System;
using System.Linq;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Messaging.Tracing.Propagation;
using Messaging.Tracing.Tests.PropertyTesting;
using Xunit;
using Xunit.Abstractions;

namespace Messaging.Tracing.Tests.Propagation;

[Trait("Category", "Reliability")]
public class HexEncodingProperties(ITestOutputHelper output)
{
    private const string Parser = "hex";

    /// <summary>Hex of either case with, now and then, a character that is not hex at all.</summary>
    private static readonly Gen<string> HexLike = Gen.Frequency(
        (4, RandomText.Of("0123456789abcdef", RandomText.SizedLength)),
        (2, RandomText.Of("0123456789abcdefABCDEF", RandomText.SizedLength)),
        (1, HostileInput.Mutated(RandomText.Of("0123456789abcdef", RandomText.SizedLength))),
        (1, HostileInput.NoiseString));

    [Fact]
    public void Decoding_accepts_exactly_lower_case_hex_alike_from_characters_and_bytes()
    {
        PropertyRun.Check(output, Parser, "decode", HexLike, value =>
        {
            int bytes = value.Length / 2;
            string even = value[..(2 * bytes)];
            bool expected = even.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));

            var fromChars = new byte[bytes];
            var fromBytes = new byte[bytes];
            byte[] utf8 = Encoding.UTF8.GetBytes(even);
            Assert.Equal(expected, HexEncoding.TryDecodeLower(even.AsSpan(), fromChars));
            if (utf8.Length == even.Length)
            {
                Assert.Equal(expected, HexEncoding.TryDecodeLower<byte>(utf8, fromBytes));
            }

            if (expected)
            {
                byte[] reference = Convert.FromHexString(even);
                Assert.Equal(reference, fromChars);
                Assert.Equal(reference, fromBytes);

                // One byte at a time (the table path) reads the same bytes.
                for (int i = 0; i < bytes; i++)
                {
                    var one = new byte[1];
                    Assert.True(HexEncoding.TryDecodeLower(even.AsSpan(2 * i, 2), one));
                    Assert.Equal(reference[i], one[0]);
                }
            }
        });
    }

    [Fact]
    public void Copying_ascii_gives_the_same_characters_and_bytes()
    {
        PropertyRun.Check(output, Parser, "copy", RandomText.Of("0123456789abcdef", RandomText.SizedLength), value =>
        {
            var chars = new char[value.Length];
            var bytes = new byte[value.Length];
            HexEncoding.CopyAscii(value, chars.AsSpan());
            HexEncoding.CopyAscii(value, bytes.AsSpan());
            Assert.Equal(value, new string(chars));
            Assert.Equal(value, Encoding.ASCII.GetString(bytes));
        });
    }
}
