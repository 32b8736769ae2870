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
    private const ActivityTraceFlags Sampled = ActivityTraceFlags.Recorded;
    private const ActivityTraceFlags Random = (ActivityTraceFlags)0x02;

    public static TheoryData<string, ActivityTraceFlags> ValidValues => new()
    {
        { $"00-{TraceId}-{SpanId}-01", Sampled },
        { $"00-{TraceId}-{SpanId}-00", ActivityTraceFlags.None },
        { $"00-{TraceId}-{SpanId}-02", Random },
        { $"00-{TraceId}-{SpanId}-03", Sampled | Random },
        { $"00-{TraceId}-{SpanId}-09", Sampled },                               // unknown flag bits cleared
        { $"00-{TraceId}-{SpanId}-fe", Random },
        { $"01-{TraceId}-{SpanId}-01", Sampled },                               // future version, exact length
        { $"01-{TraceId}-{SpanId}-03", Sampled | Random },
        { $"cc-{TraceId}-{SpanId}-02-what-the-future-will-be-like", Random },   // future version, more fields
        { $"fe-{TraceId}-{SpanId}-00-", ActivityTraceFlags.None },
    };

    /// <summary>
    /// W3C Trace Context Level 2, "trace-flags": the sampled (01) and random trace id (02) flags are kept as received, on
    /// version 00 and on later versions; "Other Flags" are cleared ("Vendors MUST set those to zero").
    /// </summary>
    public static TheoryData<string, string, string> Flags => new()
    {
        { "00", "00", "00" },
        { "00", "01", "01" },
        { "00", "02", "02" },
        { "00", "03", "03" },
        { "00", "04", "00" },
        { "00", "05", "01" },
        { "00", "06", "02" },
        { "00", "07", "03" },
        { "00", "80", "00" },
        { "00", "fe", "02" },
        { "00", "ff", "03" },
        { "01", "03", "03" },
        { "01", "05", "01" },
        { "cc", "02", "02" },
        { "cc", "ff", "03" },
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
    public void Parses_valid_values_from_characters_and_bytes(string value, ActivityTraceFlags flags)
    {
        Assert.True(TraceParentCodec.TryParse(value.AsSpan(), out ActivityContext fromChars));
        Assert.True(TraceParentCodec.TryParse(Encoding.UTF8.GetBytes(value), out ActivityContext fromBytes));

        Assert.Equal(fromChars, fromBytes);
        Assert.Equal(TraceId, fromChars.TraceId.ToHexString());
        Assert.Equal(SpanId, fromChars.SpanId.ToHexString());
        Assert.Equal(flags, fromChars.TraceFlags);
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
    [MemberData(nameof(Flags))]
    public void Keeps_the_sampled_and_random_flags_and_clears_the_others(string version, string flagsIn, string flagsOut)
    {
        string suffix = version == "00" ? string.Empty : "-future";
        Assert.True(TraceParentCodec.TryParse($"{version}-{TraceId}-{SpanId}-{flagsIn}{suffix}", out ActivityContext fromChars));
        Assert.True(TraceParentCodec.TryParse(Encoding.ASCII.GetBytes($"{version}-{TraceId}-{SpanId}-{flagsIn}{suffix}"), out ActivityContext fromBytes));

        string expected = $"00-{TraceId}-{SpanId}-{flagsOut}";
        Assert.Equal(expected, TraceParentCodec.Format(fromChars));
        Assert.Equal(expected, Encoding.ASCII.GetString(TraceParentCodec.FormatUtf8(fromBytes)));
    }

    [Theory]
    [InlineData(0x00, "00")]
    [InlineData(0x03, "03")]
    [InlineData(0x06, "02")]
    [InlineData(0xFD, "01")]
    public void Formatting_a_context_writes_its_sampled_and_random_flags_only(int flags, string written)
    {
        var context = new ActivityContext(ActivityTraceId.CreateFromString(TraceId), ActivitySpanId.CreateFromString(SpanId), (ActivityTraceFlags)flags);
        byte[] buffer = new byte[TraceParentCodec.Length];

        Assert.True(TraceParentCodec.TryFormat(context, buffer));
        Assert.Equal($"00-{TraceId}-{SpanId}-{written}", Encoding.ASCII.GetString(buffer));
        Assert.Equal($"00-{TraceId}-{SpanId}-{written}", TraceParentCodec.Format(context));
    }

    [Fact]
    public void Round_trips_random_contexts()
    {
        for (int i = 0; i < 200; i++)
        {
            var context = new ActivityContext(
                ActivityTraceId.CreateRandom(),
                ActivitySpanId.CreateRandom(),
                (ActivityTraceFlags)(i % 4));

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
