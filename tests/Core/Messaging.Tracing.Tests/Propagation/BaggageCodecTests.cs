using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Messaging.Tracing.Propagation;
using OpenTelemetry;
using Xunit;

namespace Messaging.Tracing.Tests.Propagation;

public class BaggageCodecTests
{
    public static TheoryData<string, string> ParseCases => new()
    {
        // value → the members kept, as "key=value|key=value" in order
        { "k=v", "k=v" },
        { "k1=v1,k2=v2", "k1=v1|k2=v2" },
        { " k1 = v1 ,\tk2=v2 ", "k1=v1|k2=v2" },
        { "k=v%20w", "k=v w" },
        { "k=a+b", "k=a+b" },                                    // '+' is a plain octet, not a space
        { "k=%E2%82%AC", "k=\u20ac" },
        { "k=%e2%82%ac", "k=\u20ac" },
        { "k=v;prop=1;flag", "k=v" },                            // properties are not carried
        { "k=", "k=" },
        { "a=1,a=2", "a=2" },                                    // the last value wins
        { "a=1,b c=2,d=3", "a=1|d=3" },                          // an invalid member is dropped, the others kept
        { "a=1,k=v w,d=3", "a=1|d=3" },
        { "a=1,k=%ZZ,d=3", "a=1|d=3" },
        { "a=1,k=%E2%82,d=3", "a=1|d=3" },                       // invalid UTF-8
        { "a=1,k=%4,d=3", "a=1|d=3" },
        { "a=1,=v,d=3", "a=1|d=3" },
        { "a=1,k,d=3", "a=1|d=3" },
        { "a=1,k=\"v\",d=3", "a=1|d=3" },
        { "a=1,k=v\\w,d=3", "a=1|d=3" },
        { "a=1,k\u00e9=v,d=3", "a=1|d=3" },
        { ",,a=1,,", "a=1" },
        { string.Empty, "" },

        // At MaxMembers keys a later value of a key already read still wins, and a new key is still dropped (found by
        // BaggageCodecProperties / RepeatedValuesProperties: two joined headers with 180 keys between them).
        { MaxMembersThen(",k000=new"), MaxMembersDescribed().Replace("k000=v0|", "k000=new|", StringComparison.Ordinal) },
        { MaxMembersThen(",extra=1,k179=last"), MaxMembersDescribed().Replace("k179=v179", "k179=last", StringComparison.Ordinal) },
    };

    [Theory]
    [MemberData(nameof(ParseCases))]
    public void Parses_characters_and_bytes_alike(string value, string expected)
    {
        Assert.Equal(expected, Describe(BaggageCodec.Parse(value.AsSpan())));
        Assert.Equal(expected, Describe(BaggageCodec.Parse(Encoding.UTF8.GetBytes(value))));
    }

    [Theory]
    [InlineData("k", "v w", "k=v%20w")]
    [InlineData("k", "\u20ac", "k=%E2%82%AC")]
    [InlineData("k", "a+b%", "k=a+b%25")]
    [InlineData("k", "a,b;c=d\"\\", "k=a%2Cb%3Bc=d%22%5C")]
    [InlineData("k", "", "k=")]
    public void Formats_with_percent_encoding(string key, string value, string expected)
    {
        var items = new Dictionary<string, string> { [key] = value };

        Assert.Equal(expected, BaggageCodec.Format(items));
        Assert.Equal(expected, Encoding.ASCII.GetString(BaggageCodec.FormatUtf8(items)!));
    }

    [Fact]
    public void Format_skips_keys_that_are_not_tokens_and_writes_nothing_when_none_remain()
    {
        Assert.Equal("a=2", BaggageCodec.Format(new Dictionary<string, string> { ["k v"] = "1", ["a"] = "2", [""] = "3" }));
        Assert.Null(BaggageCodec.Format(new Dictionary<string, string> { ["k v"] = "1" }));
        Assert.Null(BaggageCodec.Format(new Dictionary<string, string>()));
    }

    [Fact]
    public void Key_filters_apply_both_ways()
    {
        var items = new Dictionary<string, string> { ["tenant"] = "a", ["secret"] = "b" };

        Assert.Equal("tenant=a", BaggageCodec.Format(items, key => key != "secret"));
        Assert.Equal("tenant=a", Describe(BaggageCodec.Parse("tenant=a,secret=b".AsSpan(), key => key != "secret")));
    }

    [Fact]
    public void A_throwing_filter_drops_the_member_and_does_not_throw()
    {
        Baggage parsed = BaggageCodec.Parse("a=1".AsSpan(), _ => throw new InvalidOperationException("filter bug"));

        Assert.Equal(0, parsed.Count);
    }

    [Fact]
    public void Keeps_at_most_MaxMembers_whole_members()
    {
        string value = string.Join(',', Enumerable.Range(0, 300).Select(i => $"k{i}=v"));

        Baggage parsed = BaggageCodec.Parse(value.AsSpan());
        string? formatted = BaggageCodec.Format(Enumerable.Range(0, 300).Select(i => new KeyValuePair<string, string>($"k{i}", "v")));

        Assert.Equal(BaggageCodec.MaxMembers, parsed.Count);
        Assert.Equal("v", parsed.GetBaggage($"k{BaggageCodec.MaxMembers - 1}"));
        Assert.Equal(BaggageCodec.MaxMembers, formatted!.Split(',').Length);
    }

    [Fact]
    public void Keeps_at_most_MaxLength_bytes_and_never_a_partial_member()
    {
        // 100 members of 100 bytes: 10,099 bytes; 81 whole members fit in 8192 (81 * 101 - 1 = 8180).
        string[] members = Enumerable.Range(0, 100).Select(i => $"k{i:D3}={new string('v', 95)}").ToArray();

        Baggage parsed = BaggageCodec.Parse(string.Join(',', members).AsSpan());
        string formatted = BaggageCodec.Format(members.Select(m => new KeyValuePair<string, string>(m[..4], m[5..])))!;

        Assert.Equal(81, parsed.Count);
        Assert.Equal(string.Join(',', members.Take(81)), formatted);
        Assert.True(Encoding.ASCII.GetByteCount(formatted) <= BaggageCodec.MaxLength);
    }

    [Fact]
    public void An_oversized_member_is_dropped_whole_and_nothing_past_the_limit_is_read()
    {
        string big = $"big={new string('v', 10_000)}";

        Assert.Equal("small=1", Describe(BaggageCodec.Parse($"small=1,{big}".AsSpan())));
        Assert.Equal(string.Empty, Describe(BaggageCodec.Parse($"{big},small=1".AsSpan())));
    }

    [Fact]
    public void Round_trips_arbitrary_unicode_values()
    {
        var random = new Random(20261121);
        for (int i = 0; i < 200; i++)
        {
            var items = new Dictionary<string, string>();
            for (int m = 0; m < 5; m++)
            {
                items[$"key{m}"] = RandomText(random);
            }

            Baggage parsed = BaggageCodec.Parse(BaggageCodec.FormatUtf8(items)!);

            Assert.Equal(items.OrderBy(p => p.Key), parsed.GetBaggage().OrderBy(p => p.Key));
        }
    }

    private static string RandomText(Random random)
    {
        var text = new StringBuilder();
        int length = random.Next(0, 20);
        for (int i = 0; i < length; i++)
        {
            text.Append(random.Next(4) switch
            {
                0 => ((char)random.Next(0x20, 0x7F)).ToString(),
                1 => ((char)random.Next(0xA0, 0x800)).ToString(),
                2 => char.ConvertFromUtf32(random.Next(0x1F600, 0x1F650)),
                _ => ",;=% +\"\\"[random.Next(8)].ToString(),
            });
        }

        return text.ToString();
    }

    private static string MaxMembersThen(string tail) =>
        string.Join(',', Enumerable.Range(0, BaggageCodec.MaxMembers).Select(i => $"k{i:D3}=v{i}")) + tail;

    private static string MaxMembersDescribed() =>
        string.Join('|', Enumerable.Range(0, BaggageCodec.MaxMembers).Select(i => $"k{i:D3}=v{i}"));

    private static string Describe(Baggage baggage) =>
        string.Join('|', baggage.GetBaggage().Select(p => $"{p.Key}={p.Value}"));
}
