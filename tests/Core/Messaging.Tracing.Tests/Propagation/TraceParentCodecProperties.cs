using System;
using System.Diagnostics;
using System.Text;
using FsCheck.Fluent;
using Messaging.Tracing.Propagation;
using Messaging.Tracing.Tests.PropertyTesting;
using Xunit;
using Xunit.Abstractions;

namespace Messaging.Tracing.Tests.Propagation;

[Trait("Category", "Reliability")]
public class TraceParentCodecProperties(ITestOutputHelper output)
{
    private const string Parser = "traceparent";

    /// <summary>The sampled (01) and random trace id (02) flags: what a parse keeps and a format writes.</summary>
    private const ActivityTraceFlags KnownFlags = ActivityTraceFlags.Recorded | (ActivityTraceFlags)0x02;

    [Fact]
    public void Any_string_parses_without_throwing_and_characters_and_bytes_agree()
    {
        PropertyRun.Check(output, Parser, "strings", HostileInput.Strings(ValidHeaders.TraceParent), value =>
        {
            bool fromChars = TraceParentCodec.TryParse(value.AsSpan(), out ActivityContext charsContext);
            bool fromBytes = TraceParentCodec.TryParse(Encoding.UTF8.GetBytes(value), out ActivityContext bytesContext);

            Assert.Equal(fromChars, fromBytes);
            Assert.Equal(charsContext, bytesContext);
            AssertParsed(fromChars, charsContext);
            if (fromChars && value.StartsWith("00-", StringComparison.Ordinal) && value[^2..] is "00" or "01" or "02" or "03")
            {
                // A canonical version-00 value is a fixed point: it formats back to itself.
                Assert.Equal(value, TraceParentCodec.Format(charsContext));
            }
        });
    }

    [Fact]
    public void Any_bytes_parse_without_throwing()
    {
        PropertyRun.Check(output, Parser, "bytes", HostileInput.Bytes(ValidHeaders.TraceParent), value =>
        {
            bool parsed = TraceParentCodec.TryParse(value, out ActivityContext context);
            AssertParsed(parsed, context);
            if (parsed)
            {
                // Only ASCII can make a valid value: the 55 characters read are the same as characters.
                Assert.True(TraceParentCodec.TryParse(Encoding.ASCII.GetString(value, 0, TraceParentCodec.Length).AsSpan(), out ActivityContext again));
                Assert.Equal(context, again);
            }
        });
    }

    [Fact]
    public void Valid_contexts_round_trip_through_characters_and_bytes_in_canonical_form()
    {
        PropertyRun.Check(output, Parser, "round-trip", ValidHeaders.Context.Zip(FsCheck.Fluent.Gen.Choose(0, 80)), input =>
        {
            (ActivityContext context, int destinationLength) = input;
            var expected = new ActivityContext(context.TraceId, context.SpanId, context.TraceFlags & KnownFlags, null, isRemote: true);

            string text = TraceParentCodec.Format(context);
            byte[] utf8 = TraceParentCodec.FormatUtf8(context);
            Assert.Equal(text, Encoding.ASCII.GetString(utf8));
            Assert.Equal($"00-{context.TraceId.ToHexString()}-{context.SpanId.ToHexString()}-0{(int)expected.TraceFlags}", text);
            Assert.Equal(text, text.ToLowerInvariant());

            Assert.True(TraceParentCodec.TryParse(text.AsSpan(), out ActivityContext fromChars));
            Assert.True(TraceParentCodec.TryParse(utf8, out ActivityContext fromBytes));
            Assert.Equal(expected, fromChars);
            Assert.Equal(expected, fromBytes);

            var destination = new byte[destinationLength];
            bool formatted = TraceParentCodec.TryFormat(context, destination);
            Assert.Equal(destinationLength >= TraceParentCodec.Length, formatted);
            Assert.True(!formatted || destination.AsSpan(0, TraceParentCodec.Length).SequenceEqual(utf8));
        });
    }

    [Fact]
    public void Upper_case_hex_anywhere_is_rejected()
    {
        var inputs = ValidHeaders.Context.Zip(FsCheck.Fluent.Gen.Choose(0, int.MaxValue));
        PropertyRun.Check(output, Parser, "upper-case", inputs, input =>
        {
            (ActivityContext context, int position) = input;
            char[] value = TraceParentCodec.Format(context).ToCharArray();
            int letters = value.AsSpan().Count('a') + value.AsSpan().Count('b') + value.AsSpan().Count('c')
                + value.AsSpan().Count('d') + value.AsSpan().Count('e') + value.AsSpan().Count('f');
            if (letters == 0)
            {
                return;
            }

            // Flip one hex letter of the ids to upper case.
            int skip = position % letters;
            for (int i = 0; i < value.Length; i++)
            {
                if (value[i] is >= 'a' and <= 'f' && skip-- == 0)
                {
                    value[i] = char.ToUpperInvariant(value[i]);
                    break;
                }
            }

            Assert.False(TraceParentCodec.TryParse(value.AsSpan(), out _));
            Assert.False(TraceParentCodec.TryParse(Encoding.ASCII.GetBytes(value), out _));
        });
    }

    /// <summary>What every successful parse gives: non-zero ids, only the sampled and random flags, a remote context.</summary>
    private static void AssertParsed(bool parsed, ActivityContext context)
    {
        if (!parsed)
        {
            Assert.Equal(default, context);
            return;
        }

        Assert.NotEqual(default, context.TraceId);
        Assert.NotEqual(default, context.SpanId);
        Assert.Equal(ActivityTraceFlags.None, context.TraceFlags & ~KnownFlags);
        Assert.True(context.IsRemote);
        Assert.Null(context.TraceState);
    }
}
