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
        { "k=v;prop=1;flag", "k=v" },                            // properties: BaggageProperties reads them
        { "k=", "k=" },
        { "a=1,a=2", "a=2" },                                    // the last value wins
        { "a=1,b c=2,d=3", "a=1|d=3" },                          // an invalid member is dropped, the others kept
        { "a=1,k=v w,d=3", "a=1|d=3" },
        { "a=1,k=%ZZ,d=3", "a=1|d=3" },
        { "a=1,k=%E2%82,d=3", "a=1|k=\ufffd|d=3" },              // invalid UTF-8: U+FFFD, the member kept
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

    public static TheoryData<string, string, string> PropertyCases => new()
    {
        // value → the members kept with their decoded properties, as "key=value;name=value;name|key=value" → the value written
        { "k=v;prop", "k=v;prop", "k=v;prop" },
        { "k=v;p1=x;p2", "k=v;p1=x;p2", "k=v;p1=x;p2" },
        { " k = v ; p1 = x ;\tp2 \t", "k=v;p1=x;p2", "k=v;p1=x;p2" },        // optional white space, removed
        { "k=v;p=a%20b%41", "k=v;p=a bA", "k=v;p=a%20bA" },                    // property values encoded as values are
        { "k=v;p;p=1;p=2", "k=v;p;p=1;p=2", "k=v;p;p=1;p=2" },                 // repeated names, order kept
        { "k=v;p=", "k=v;p=", "k=v;p=" },                                      // an empty value is not a key-only property
        { "k=v;p=a=b", "k=v;p=a=b", "k=v;p=a=b" },
        { "k=v;p=%FF", "k=v;p=\ufffd", "k=v;p=%EF%BF%BD" },                    // invalid UTF-8 in a property value: U+FFFD
        { "k=;p", "k=;p", "k=;p" },
        { "a=1,k=v;p,d=3", "a=1|k=v;p|d=3", "a=1,k=v;p,d=3" },

        // W3C Baggage, "Example": 3 members, two with properties.
        {
            "key1=value1;property1;property2, key2 = value2, key3=value3; propertyKey=propertyValue",
            "key1=value1;property1;property2|key2=value2|key3=value3;propertyKey=propertyValue",
            "key1=value1;property1;property2,key2=value2,key3=value3;propertyKey=propertyValue"
        },

        // The W3C test suite (test/test_baggage.py): a key-only property is a token, '%' included, and is not decoded...
        {
            "SomeKey=SomeValue;ValueProp%20%09%20%3D%20%09%20PropVal",
            "SomeKey=SomeValue;ValueProp%20%09%20%3D%20%09%20PropVal",
            "SomeKey=SomeValue;ValueProp%20%09%20%3D%20%09%20PropVal"
        },

        // ...a property value is, and is written back encoding only what must be.
        {
            "SomeKey=SomeValue;SomePropKey=%09%20%22%27%3B%3Dasdf%21%40%23%24%25%5E%26%2A%28%29",
            "SomeKey=SomeValue;SomePropKey=\t \"';=asdf!@#$%^&*()",
            "SomeKey=SomeValue;SomePropKey=%09%20%22'%3B=asdf!@#$%25^&*()"
        },
        {
            "SomeKey \t = \t SomeValue \t ; \t SomeProp \t , \t SomeKey2 \t = \t SomeValue2 \t ; \t ValueProp \t = \t PropVal",
            "SomeKey=SomeValue;SomeProp|SomeKey2=SomeValue2;ValueProp=PropVal",
            "SomeKey=SomeValue;SomeProp,SomeKey2=SomeValue2;ValueProp=PropVal"
        },

        // The last member of a key wins, with its properties or without any.
        { "a=1;p,a=2", "a=2", "a=2" },
        { "a=1,a=2;q", "a=2;q", "a=2;q" },
        { "a=1;p,a=2;q=x", "a=2;q=x", "a=2;q=x" },
    };

    [Theory]
    [MemberData(nameof(PropertyCases))]
    public void Member_properties_are_read_and_written_back_in_canonical_form(string value, string expected, string written)
    {
        foreach ((Baggage parsed, bool complete) in ParseBoth(value))
        {
            Assert.True(complete);
            Assert.Equal(expected, DescribeWithProperties(parsed));
            Assert.Equal(written, BaggageCodec.Format(parsed.GetBaggage()));
            Assert.Equal(written, Encoding.ASCII.GetString(BaggageCodec.FormatUtf8(parsed, keyFilter: null)!));

            // What is written reads back the same.
            Assert.Equal(expected, DescribeWithProperties(BaggageCodec.Parse(written.AsSpan())));
        }
    }

    [Theory]
    [InlineData("a=1,k=v;,d=3")]                                 // an empty property
    [InlineData("a=1,k=v;;p,d=3")]
    [InlineData("a=1,k=v; \t,d=3")]
    [InlineData("a=1,k=v;p q,d=3")]                              // a property key that is not a token
    [InlineData("a=1,k=v;=x,d=3")]
    [InlineData("a=1,k=v;p(=x,d=3")]
    [InlineData("a=1,k=v;p\u00e9,d=3")]
    [InlineData("a=1,k=v;p=x y,d=3")]                            // a property value outside baggage-octet
    [InlineData("a=1,k=v;p=\"x\",d=3")]
    [InlineData("a=1,k=v;p=a\\b,d=3")]
    [InlineData("a=1,k=v;p=\u00e9,d=3")]
    [InlineData("a=1,k=v;p=%ZZ,d=3")]                            // a broken escape in a property value
    [InlineData("a=1,k=v;p=%4,d=3")]
    [InlineData("a=1,k=v;ok;p=%,d=3")]
    public void A_member_with_an_invalid_property_is_dropped_whole_and_reported(string value)
    {
        Assert.All(ParseBoth(value), parsed =>
        {
            Assert.Equal("a=1|d=3", DescribeWithProperties(parsed.Parsed));
            Assert.False(parsed.Complete);
        });
    }

    [Theory]
    [InlineData("a=%FF", "\ufffd", "a=%EF%BF%BD")]
    [InlineData("a=%C3", "\ufffd", "a=%EF%BF%BD")]                                // a cut sequence
    [InlineData("a=x%E2%82y", "x\ufffdy", "a=x%EF%BF%BDy")]
    [InlineData("a=%C3%28", "\ufffd(", "a=%EF%BF%BD(")]
    [InlineData("a=%C0%AF", "\ufffd\ufffd", "a=%EF%BF%BD%EF%BF%BD")]              // an overlong '/'
    [InlineData("a=%ED%A0%80", "\ufffd\ufffd\ufffd", "a=%EF%BF%BD%EF%BF%BD%EF%BF%BD")] // the encoding of the lone surrogate U+D800
    [InlineData("a=%F4%90%80%80", "\ufffd\ufffd\ufffd\ufffd", "a=%EF%BF%BD%EF%BF%BD%EF%BF%BD%EF%BF%BD")] // past U+10FFFF
    [InlineData("a=%C3%A9%FF", "\u00e9\ufffd", "a=%C3%A9%EF%BF%BD")]
    public void Invalid_utf8_after_percent_decoding_becomes_U_FFFD_and_the_member_is_kept(string value, string decoded, string written)
    {
        foreach ((Baggage parsed, bool complete) in ParseBoth(value))
        {
            Assert.True(complete);
            Assert.Equal(decoded, parsed.GetBaggage("a"));
            Assert.Equal(written, BaggageCodec.Format(parsed.GetBaggage()));
            Assert.Equal(decoded, BaggageCodec.Parse(written.AsSpan()).GetBaggage("a"));
        }
    }

    [Theory]
    [InlineData("a=%41%42", "AB", "a=AB")]                       // needless escapes decode to the same value and are not written
    [InlineData("a=%7e%21%23%3d%5B", "~!#=[", "a=~!#=[")]
    [InlineData("a=a+b", "a+b", "a=a+b")]                        // '+' is a plain octet, not a space
    [InlineData("a=a%2Bb", "a+b", "a=a+b")]
    [InlineData("a=%25", "%", "a=%25")]                          // '%' is always encoded
    [InlineData("a=%2c%3b%5c%22%20", ",;\\\" ", "a=%2C%3B%5C%22%20")] // outside baggage-octet: encoded, upper-case hex
    [InlineData("a=DF%2028", "DF 28", "a=DF%2028")]
    [InlineData("a=Am%C3%A9lie", "Am\u00e9lie", "a=Am%C3%A9lie")]
    public void Output_encodes_only_what_must_be_and_extra_encoding_round_trips(string value, string decoded, string written)
    {
        Baggage parsed = BaggageCodec.Parse(value.AsSpan());

        Assert.Equal(decoded, parsed.GetBaggage("a"));
        Assert.Equal(written, BaggageCodec.Format(parsed.GetBaggage()));
        Assert.Equal(decoded, BaggageCodec.Parse(written.AsSpan()).GetBaggage("a"));
    }

    [Fact]
    public void Every_ascii_character_is_encoded_exactly_when_it_is_not_a_baggage_octet_or_is_percent()
    {
        for (char c = '\0'; c < (char)0x80; c++)
        {
            bool plain = c is '!' or (>= '#' and <= '+') or (>= '-' and <= ':') or (>= '<' and <= '[') or (>= ']' and <= '~') && c != '%';
            string expected = plain ? $"k={c}" : $"k=%{(int)c:X2}";

            Assert.Equal(expected, BaggageCodec.Format([new KeyValuePair<string, string>("k", c.ToString())]));
        }
    }

    [Theory]
    [InlineData("userId=alice,serverNode=DF%2028,isProduction=false", "userId=alice|serverNode=DF 28|isProduction=false")]
    [InlineData("userId=Am%C3%A9lie,serverNode=DF%2028,isProduction=false", "userId=Am\u00e9lie|serverNode=DF 28|isProduction=false")]
    [InlineData("userId =   alice,serverNode = DF%2028, isProduction = false", "userId=alice|serverNode=DF 28|isProduction=false")]
    public void The_specifications_examples_parse_and_write_back(string value, string expected)
    {
        Baggage parsed = BaggageCodec.Parse(value.AsSpan());

        Assert.Equal(expected, Describe(parsed));
        Assert.Equal(expected, Describe(BaggageCodec.Parse(BaggageCodec.Format(parsed.GetBaggage()).AsSpan())));
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
    public void Properties_count_toward_MaxLength_on_input_and_the_member_goes_whole()
    {
        // a = 100 v's (102 bytes), a comma, then b with properties: 6 + n bytes. 8192 bytes in all when n = 8083.
        string first = $"a={new string('v', 100)}";
        string fits = $"{first},b=v;p={new string('x', 8083)}";
        string over = $"{first},b=v;p={new string('x', 8084)}";

        Baggage kept = BaggageCodec.Parse(fits.AsSpan(), null, out bool complete);
        Assert.True(complete);
        Assert.Equal(fits, BaggageCodec.Format(kept.GetBaggage()));
        Assert.Equal(BaggageCodec.MaxLength, fits.Length);

        Baggage dropped = BaggageCodec.Parse(over.AsSpan(), null, out complete);
        Assert.False(complete);
        Assert.Equal(first, BaggageCodec.Format(dropped.GetBaggage()));
    }

    [Fact]
    public void Properties_count_toward_MaxLength_on_output_and_the_member_goes_whole()
    {
        // A received member of 8006 bytes with its properties, after an application's member of 202: 8209 bytes.
        KeyValuePair<string, string> received = BaggageCodec.Parse($"b=v;p={new string('x', 8000)}".AsSpan()).GetBaggage().Single();
        var members = new Dictionary<string, string>(StringComparer.Ordinal) { ["a"] = new string('v', 200) };
        members.Add(received.Key, received.Value);

        string? written = BaggageCodec.Format(members);

        Assert.Equal($"a={new string('v', 200)}", written);
        Assert.Equal($"b=v;p={new string('x', 8000)}", BaggageCodec.Format([received]));
    }

    [Fact]
    public void Key_filters_keep_or_drop_a_member_with_its_properties()
    {
        const string Value = "tenant=acme;scope=eu,secret=s;p=1,user=alice;flag";
        Baggage inbound = BaggageCodec.Parse(Value.AsSpan(), key => key != "secret");
        Baggage all = BaggageCodec.Parse(Value.AsSpan());

        Assert.Equal("tenant=acme;scope=eu|user=alice;flag", DescribeWithProperties(inbound));
        Assert.Equal("tenant=acme;scope=eu,user=alice;flag", BaggageCodec.Format(all.GetBaggage(), key => key != "secret"));
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

    /// <summary>Parses the value given as characters and as UTF-8 bytes.</summary>
    private static (Baggage Parsed, bool Complete)[] ParseBoth(string value)
    {
        Baggage fromChars = BaggageCodec.Parse(value.AsSpan(), null, out bool charsComplete);
        Baggage fromBytes = BaggageCodec.Parse(Encoding.UTF8.GetBytes(value), null, out bool bytesComplete);
        return [(fromChars, charsComplete), (fromBytes, bytesComplete)];
    }

    /// <summary>"key=value;name=value;name|…": the members in order, each with its decoded properties.</summary>
    private static string DescribeWithProperties(Baggage baggage) =>
        string.Join('|', baggage.GetBaggage().Select(p => $"{p.Key}={p.Value}" + string.Concat(
            BaggageProperties.Get(baggage, p.Key).Select(property => property.Value is null ? $";{property.Name}" : $";{property.Name}={property.Value}"))));

    private static string Describe(Baggage baggage) =>
        string.Join('|', baggage.GetBaggage().Select(p => $"{p.Key}={p.Value}"));
}
