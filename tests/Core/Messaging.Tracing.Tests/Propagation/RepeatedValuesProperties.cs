using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using FsCheck.Fluent;
using Messaging.Tracing.Propagation;
using Messaging.Tracing.Tests.PropertyTesting;
using OpenTelemetry;
using Xunit;
using Xunit.Abstractions;

namespace Messaging.Tracing.Tests.Propagation;

/// <summary>A key a carrier holds twice, with conflicting values, joined by ',' as the adapter contract asks.</summary>
[Trait("Category", "Reliability")]
public class RepeatedValuesProperties(ITestOutputHelper output)
{
    private const string Parser = "repeated-values";

    [Fact]
    public void Joins_any_bytes_with_one_comma_and_the_codecs_read_the_join_without_throwing()
    {
        var inputs = HostileInput.Bytes(ValidHeaders.TraceParent).Zip(HostileInput.Bytes(ValidHeaders.Baggage));
        PropertyRun.Check(output, Parser, "join", inputs, input =>
        {
            (byte[] first, byte[] second) = input;
            byte[] joined = RepeatedValues.Join([first, second]);
            Assert.Equal([.. first, (byte)',', .. second], joined);

            _ = TraceParentCodec.TryParse(joined, out _);
            _ = TraceStateCodec.TryNormalize(joined, out _);
            Assert.True(BaggageCodec.Parse(joined).Count <= BaggageCodec.MaxMembers);
        });
    }

    [Fact]
    public void Two_version_00_traceparents_joined_are_no_context()
    {
        PropertyRun.Check(output, Parser, "traceparent-twice", ValidHeaders.Context.Zip(ValidHeaders.Context), input =>
        {
            byte[] joined = RepeatedValues.Join([TraceParentCodec.FormatUtf8(input.Item1), TraceParentCodec.FormatUtf8(input.Item2)]);
            Assert.False(TraceParentCodec.TryParse(joined, out var context));
            Assert.Equal(default, context);
        });
    }

    [Fact]
    public void Two_tracestates_joined_read_as_one_list_with_the_first_member_of_a_key_winning()
    {
        PropertyRun.Check(output, Parser, "tracestate-twice", ValidHeaders.TraceStateMembers.Zip(ValidHeaders.TraceStateMembers), input =>
        {
            (KeyValuePair<string, string>[] first, KeyValuePair<string, string>[] second) = input;
            string a = string.Join(',', first.Select(m => $"{m.Key}={m.Value}"));
            string b = string.Join(',', second.Select(m => $"{m.Key}={m.Value}"));
            bool complete = TraceStateCodec.TryNormalize(RepeatedValues.Join([Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b)]), out string? state);

            // Duplicated keys and members past the 32nd are discarded; the left-most members are kept.
            KeyValuePair<string, string>[] all = first.Concat(second).ToArray();
            KeyValuePair<string, string>[] kept = all.DistinctBy(m => m.Key, StringComparer.Ordinal).Take(TraceStateCodec.MaxMembers).ToArray();
            Assert.Equal(kept.Length == all.Length, complete);
            Assert.True(TraceStateCodec.TryNormalize(string.Join(',', kept.Select(m => $"{m.Key}={m.Value}")), out string? expected));
            Assert.Equal(expected, state);
        });
    }

    [Fact]
    public void Two_baggage_headers_joined_read_as_one_with_the_later_value_winning()
    {
        PropertyRun.Check(output, Parser, "baggage-twice", ValidHeaders.BaggageMembers.Zip(ValidHeaders.BaggageMembers), input =>
        {
            (KeyValuePair<string, string>[] first, KeyValuePair<string, string>[] second) = input;
            byte[] a = BaggageCodec.FormatUtf8(first) ?? [];
            byte[] b = BaggageCodec.FormatUtf8(second) ?? [];
            Baggage joined = BaggageCodec.Parse(RepeatedValues.Join([a, b]));
            Assert.True(joined.Count <= BaggageCodec.MaxMembers);

            if (a.Length + 1 + b.Length <= BaggageCodec.MaxLength)
            {
                Dictionary<string, string> expected = new(BaggageCodec.Parse(a).GetBaggage(), StringComparer.Ordinal);
                foreach (KeyValuePair<string, string> item in BaggageCodec.Parse(b).GetBaggage())
                {
                    expected[item.Key] = item.Value;
                }

                if (expected.Count <= BaggageCodec.MaxMembers)
                {
                    Assert.Equal(expected.OrderBy(m => m.Key, StringComparer.Ordinal), joined.GetBaggage().OrderBy(m => m.Key, StringComparer.Ordinal));
                }
            }
        });
    }
}
