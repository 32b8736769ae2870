using System;
using System.Text;
using Messaging.Tracing.Propagation;
using Xunit;

namespace Messaging.Tracing.Tests.Propagation;

public class HexEncodingTests
{
    [Theory]
    [InlineData("", 1)]
    [InlineData("a", 1)]
    [InlineData("0a0", 2)]
    [InlineData("0123456789abcde", 8)]
    public void Too_short_a_source_is_not_hex(string source, int bytes)
    {
        var destination = new byte[bytes];

        Assert.False(HexEncoding.TryDecodeLower(source.AsSpan(), destination));
        Assert.False(HexEncoding.TryDecodeLower<byte>(Encoding.ASCII.GetBytes(source), destination));
    }

    [Theory]
    [InlineData("0a", new byte[] { 0x0a })]
    [InlineData("0a0b0", new byte[] { 0x0a, 0x0b })]
    public void Characters_past_the_destination_are_not_read(string source, byte[] expected)
    {
        var destination = new byte[expected.Length];

        Assert.True(HexEncoding.TryDecodeLower(source.AsSpan(), destination));
        Assert.Equal(expected, destination);
    }
}
