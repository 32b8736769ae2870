using System;
using System.Diagnostics;
using System.Text;
using Messaging.Tracing.Propagation;
using Xunit;

namespace Messaging.Tracing.Tests.Propagation;

public class TraceParentCodecTests
{
    private const string TraceId = "0af7651916cd43dd8448eb211c80319c";
    private const string SpanId = "b7ad6b7169203331";

    public static TheoryData<string, bool> ValidValues => new()
    {
        { $"00-{TraceId}-{SpanId}-01", true },
        { $"00-{TraceId}-{SpanId}-00", false },
        { $"00-{TraceId}-{SpanId}-09", true },                                 // unknown flag bits ignored
        { $"00-{TraceId}-{SpanId}-fe", false },
        { $"01-{TraceId}-{SpanId}-01", true },                                 // future version, exact length
        { $"cc-{TraceId}-{SpanId}-01-what-the-future-will-be-like", true },    // future version, more fields
        { $"fe-{TraceId}-{SpanId}-00-", false },
    };

    public static TheoryData<string> InvalidValues => new()
    {
        string.Empty,
        "00",
        $"ff-{TraceId}-{SpanId}-01",                                           // version ff is invalid
        $"00-{TraceId}-{SpanId}-01-",                                          // version 00 is exactly 55 long
        $"00-{TraceId}-{SpanId}-01-extra",
        $"00-{TraceId}-{SpanId}-1",                                            // too short
        $"00-{TraceId}-{SpanId[..15]}-01",
        $"00-{TraceId.ToUpperInvariant()}-{SpanId}-01",                        // upper-case hex
        $"00-{TraceId}-{SpanId.ToUpperInvariant()}-01",
        $"00-{TraceId}-{SpanId}-0A",
        $"0A-{TraceId}-{SpanId}-01",
        $"00-00000000000000000000000000000000-{SpanId}-01",                   // all-zero ids
        $"00-{TraceId}-0000000000000000-01",
        $"00_{TraceId}-{SpanId}-01",                                           // separators
        $"00-{TraceId}_{SpanId}-01",
        $"00-{TraceId}-{SpanId}_01",
        $"00-{TraceId[..31]}g-{SpanId}-01",                                    // not hex
        $"00-{TraceId}-{SpanId}-0g",
        $"0x-{TraceId}-{SpanId}-01",
        $" 00-{TraceId}-{SpanId}-01",                                          // white space
        $"00-{TraceId}-{SpanId}-01 ",
        $"01-{TraceId}-{SpanId}-01x",                                          // future version: a '-' must follow
        $"01-{TraceId}-{SpanId}-01.more",
        $"00-{TraceId}-{SpanId}-01,00-{TraceId}-{SpanId}-01",                 // a repeated header, combined
        $"00-{TraceId}-{SpanId}-\u0661\u0662",                                 // non-ASCII digits
    };

    [Theory]
    [MemberData(nameof(ValidValues))]
    public void Parses_valid_values_from_characters_and_bytes(string value, bool sampled)
    {
        Assert.True(TraceParentCodec.TryParse(value.AsSpan(), out ActivityContext fromChars));
        Assert.True(TraceParentCodec.TryParse(Encoding.UTF8.GetBytes(value), out ActivityContext fromBytes));

        Assert.Equal(fromChars, fromBytes);
        Assert.Equal(TraceId, fromChars.TraceId.ToHexString());
        Assert.Equal(SpanId, fromChars.SpanId.ToHexString());
        Assert.Equal(sampled, fromChars.TraceFlags.HasFlag(ActivityTraceFlags.Recorded));
        Assert.True(fromChars.IsRemote);
    }

    [Theory]
    [MemberData(nameof(InvalidValues))]
    public void Rejects_invalid_values_from_characters_and_bytes(string value)
    {
        Assert.False(TraceParentCodec.TryParse(value.AsSpan(), out ActivityContext fromChars));
        Assert.False(TraceParentCodec.TryParse(Encoding.UTF8.GetBytes(value), out ActivityContext fromBytes));
        Assert.Equal(default, fromChars);
        Assert.Equal(default, fromBytes);
    }

    [Theory]
    [InlineData("01", "01")]
    [InlineData("00", "00")]
    [InlineData("ff", "01")]
    [InlineData("fe", "00")]
    public void Writes_version_00_and_clears_unknown_flags(string flagsIn, string flagsOut)
    {
        Assert.True(TraceParentCodec.TryParse($"cc-{TraceId}-{SpanId}-{flagsIn}-future", out ActivityContext context));

        string expected = $"00-{TraceId}-{SpanId}-{flagsOut}";
        Assert.Equal(expected, TraceParentCodec.Format(context));
        Assert.Equal(expected, Encoding.ASCII.GetString(TraceParentCodec.FormatUtf8(context)));
    }

    [Fact]
    public void Round_trips_random_contexts()
    {
        for (int i = 0; i < 200; i++)
        {
            var context = new ActivityContext(
                ActivityTraceId.CreateRandom(),
                ActivitySpanId.CreateRandom(),
                i % 2 == 0 ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None);

            Assert.True(TraceParentCodec.TryParse(TraceParentCodec.FormatUtf8(context), out ActivityContext parsed));
            Assert.Equal(context.TraceId, parsed.TraceId);
            Assert.Equal(context.SpanId, parsed.SpanId);
            Assert.Equal(context.TraceFlags, parsed.TraceFlags);
        }
    }

    [Fact]
    public void TryFormat_refuses_a_short_destination()
    {
        var context = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        byte[] buffer = new byte[TraceParentCodec.Length];

        Assert.False(TraceParentCodec.TryFormat(context, buffer.AsSpan(1)));
        Assert.True(TraceParentCodec.TryFormat(context, buffer));
        Assert.Equal(TraceParentCodec.FormatUtf8(context), buffer);
    }
}
