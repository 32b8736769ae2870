using System;
using System.Linq;
using System.Text;
using Messaging.Tracing.Propagation;
using Xunit;

namespace Messaging.Tracing.Tests.Propagation;

public class TraceStateCodecTests
{
    /// <summary>Lists kept whole, in canonical form (W3C Trace Context Level 2).</summary>
    public static TheoryData<string, string?> ValidValues => new()
    {
        // The specification's own examples ("Relationship Between the Headers", "Examples of tracestate HTTP Headers",
        // "list").
        { "congo=t61rcWkgMzE", "congo=t61rcWkgMzE" },
        { "rojo=00f067aa0ba902b7", "rojo=00f067aa0ba902b7" },
        { "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE", "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE" },
        { "congo=ucfJifl5GOE,rojo=00f067aa0ba902b7", "congo=ucfJifl5GOE,rojo=00f067aa0ba902b7" },
        { "vendorname1=opaqueValue1,vendorname2=opaqueValue2", "vendorname1=opaqueValue1,vendorname2=opaqueValue2" },
        { " rojo=1 ,\tcongo=2 ", "rojo=1,congo=2" },                 // optional white space
        { "rojo=1,,congo=2,", "rojo=1,congo=2" },                    // empty members
        { string.Empty, null },                                       // "Vendors MUST accept empty tracestate headers"
        { "  ", null },
        { ",", null },
        { " , \t, ", null },
        { "fw529a3039@dt=value", "fw529a3039@dt=value" },            // a Level 1 multi-tenant key is still a key
        { "a_-*/b=1", "a_-*/b=1" },
        { "k=a b", "k=a b" },                                         // inner space in a value
        { "k= leading", "k= leading" },                               // "All leading spaces MUST be preserved"
        { "k=!\"#$%&'()*+-./:;<>?@[\\]^_`{|}~", "k=!\"#$%&'()*+-./:;<>?@[\\]^_`{|}~" },
        { $"k={new string('v', 256)}", $"k={new string('v', 256)}" },
        { string.Join(',', Enumerable.Range(0, 32).Select(i => $"k{i}=v")), string.Join(',', Enumerable.Range(0, 32).Select(i => $"k{i}=v")) },
    };

    /// <summary>
    /// Keys of the Level 2 grammar ("Key"): <c>key = (lcalpha / DIGIT) 0*255 keychar</c>,
    /// <c>keychar = lcalpha / DIGIT / "_" / "-" / "*" / "/" / "@"</c> — no tenant/system split. Level 1 refused each one.
    /// </summary>
    public static TheoryData<string> Level2Keys => new()
    {
        "foo@",
        "foo@@bar",
        "foo@bar@baz",
        "1abc",
        "0",
        "z",
        "a@1b",                                                       // a "system" part starting with a digit
        new string('t', 242) + "@v",                                  // a 242-character "tenant"
        "t@" + new string('v', 15),                                   // a 15-character "system"
        "a@b@c",
        "a@",
        "9@-*/_",
        new string('k', 256),                                         // the longest key: 1 + 255 characters
        "k" + new string('@', 255),
    };

    /// <summary>Keys outside the grammar: upper case, a leading character other than a letter or digit, 257 long, empty.</summary>
    public static TheoryData<string> InvalidKeys => new()
    {
        "Rojo",
        "roJo",
        "_a",
        "@a",
        "@",
        "-a",
        "*a",
        "/a",
        new string('k', 257),
        "k" + new string('@', 256),
        string.Empty,
        "a b",
        "a.b",
        "a+b",
        "a\u00e9",
        "a\u0000",
    };

    /// <summary>Members outside the value grammar ("Value": <c>0*255(chr) nblk-chr</c>) or with no <c>=</c>.</summary>
    public static TheoryData<string> InvalidMembers => new()
    {
        "a=",                                                         // empty value
        "a=b=c",                                                      // '=' in a value
        "ab",                                                         // no '='
        "a =b",                                                       // white space before '='
        $"k={new string('v', 257)}",
        "a=\u0001",                                                   // control character
        "a=\u00e9",                                                   // not ASCII
        "a=\u007f",
        "=",
        "=b",
    };

    /// <summary>Lists with members discarded: the kept ones, exactly, in order.</summary>
    public static TheoryData<string, string?> PartlyKeptValues => new()
    {
        // Invalid members mixed with valid ones (processing model: "Invalid tracestate entries MAY also be discarded").
        { "good=1,Bad=2", "good=1" },
        { "Bad=1,good=2", "good=2" },
        { "a=1,_b=2,c=3,d=,e=5", "a=1,c=3,e=5" },
        { "congo=t61rcWkgMzE,=,rojo=\u0007,@@=x", "congo=t61rcWkgMzE" },
        { " x=1 , X=2 ,\ty=3\t", "x=1,y=3" },
        { "a=\u0001,a=2", "a=2" },                                   // an invalid member does not claim its key

        // Duplicated keys: the first, left-most (most recent) member is kept ("Mutating the tracestate Field").
        { "a=1,a=2", "a=1" },
        { "a=1,b=2,a=3", "a=1,b=2" },
        { "a=1,b=2,b=3,a=4,c=5", "a=1,b=2,c=5" },
        { "congo=congosFirstPosition,rojo=rojosFirstPosition,congo=congosSecondPosition", "congo=congosFirstPosition,rojo=rojosFirstPosition" },
        { "foo@=1,foo@@bar=2,foo@=3", "foo@=1,foo@@bar=2" },

        // More than 32 members: the left-most 32 are kept ("tracestate Header Field Values").
        { string.Join(',', Enumerable.Range(0, 33).Select(i => $"k{i}=v")), string.Join(',', Enumerable.Range(0, 32).Select(i => $"k{i}=v")) },
        { string.Join(',', Enumerable.Range(0, 10_000).Select(i => $"k{i}=v")), string.Join(',', Enumerable.Range(0, 32).Select(i => $"k{i}=v")) },
        {
            string.Join(',', Enumerable.Range(0, 50).Select(i => i % 5 == 0 ? $"K{i}=v" : $"k{i}=v")),
            string.Join(',', Enumerable.Range(0, 50).Where(i => i % 5 != 0).Take(32).Select(i => $"k{i}=v"))
        },
        { string.Join(',', Enumerable.Repeat("a=1", 10_000)), "a=1" },

        // Nothing valid remains: no trace state (the header is absent on the next hop).
        { "Rojo=1", null },
        { "a=", null },
        { "Rojo=1,_x=2,=,@@=x", null },
        { "ab,cd", null },
    };

    [Theory]
    [MemberData(nameof(ValidValues))]
    public void Normalizes_valid_lists(string value, string? expected)
    {
        AssertNormalized(value, complete: true, expected);
    }

    [Theory]
    [MemberData(nameof(Level2Keys))]
    public void Keeps_keys_of_the_level_2_grammar(string key)
    {
        AssertNormalized($"{key}=v", complete: true, $"{key}=v");
        AssertNormalized($"first=1,{key}=v,last=2", complete: true, $"first=1,{key}=v,last=2");
    }

    [Theory]
    [MemberData(nameof(InvalidKeys))]
    public void Discards_a_member_with_an_invalid_key_and_keeps_the_others(string key)
    {
        AssertNormalized($"{key}=v", complete: false, expected: null);
        AssertNormalized($"first=1,{key}=v,last=2", complete: false, "first=1,last=2");
    }

    [Theory]
    [MemberData(nameof(InvalidMembers))]
    public void Discards_an_invalid_member_and_keeps_the_others(string member)
    {
        AssertNormalized(member, complete: false, expected: null);
        AssertNormalized($"first=1,{member},last=2", complete: false, "first=1,last=2");
    }

    [Theory]
    [MemberData(nameof(PartlyKeptValues))]
    public void Keeps_the_valid_first_members_of_a_list_with_invalid_duplicated_or_surplus_ones(string value, string? expected)
    {
        AssertNormalized(value, complete: false, expected);
    }

    [Fact]
    public void Returns_the_same_instance_when_already_canonical()
    {
        string value = "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE,foo@@bar=1";

        Assert.True(TraceStateCodec.TryNormalize(value, out string? normalized));
        Assert.Same(value, normalized);
    }

    [Fact]
    public void What_is_kept_of_a_list_is_canonical()
    {
        Assert.False(TraceStateCodec.TryNormalize("a=1, Bad=2 ,a=3,b=2", out string? kept));

        Assert.Equal("a=1,b=2", kept);
        Assert.True(TraceStateCodec.TryNormalize(kept, out string? again));
        Assert.Same(kept, again);
    }

    [Fact]
    public void Null_is_no_trace_state()
    {
        Assert.True(TraceStateCodec.TryNormalize((string?)null, out string? traceState));
        Assert.Null(traceState);
    }

    [Fact]
    public void Truncates_from_the_end_by_whole_members()
    {
        // Six members of 100 characters: 605 long, over the 512 this library propagates.
        string[] members = Enumerable.Range(0, 6).Select(i => $"k{i}={new string('v', 97)}").ToArray();

        Assert.True(TraceStateCodec.TryNormalize(string.Join(',', members), out string? truncated));

        Assert.Equal(string.Join(',', members.Take(5)), truncated);
        Assert.True(truncated!.Length <= TraceStateCodec.MaxLength);
    }

    [Fact]
    public void Truncation_removes_members_longer_than_128_first()
    {
        string large = $"big={new string('v', 200)}";
        string[] small = Enumerable.Range(0, 4).Select(i => $"k{i}={new string('v', 97)}").ToArray();
        string value = large + "," + string.Join(',', small);        // 204 + 1 + 403 = 608

        Assert.True(TraceStateCodec.TryNormalize(value, out string? truncated));

        Assert.Equal(string.Join(',', small), truncated);
    }

    [Fact]
    public void Truncation_counts_only_the_members_kept()
    {
        // 605 characters of valid members and a duplicate: the duplicate goes first, then the list is truncated.
        string[] members = Enumerable.Range(0, 6).Select(i => $"k{i}={new string('v', 97)}").ToArray();
        string value = string.Join(',', members.Take(3)) + ",k0=again," + string.Join(',', members.Skip(3));

        Assert.False(TraceStateCodec.TryNormalize(value, out string? truncated));

        Assert.Equal(string.Join(',', members.Take(5)), truncated);
    }

    /// <summary>The string, characters and bytes paths all give <paramref name="expected"/> and say whether nothing was discarded.</summary>
    private static void AssertNormalized(string value, bool complete, string? expected)
    {
        Assert.Equal(complete, TraceStateCodec.TryNormalize(value, out string? fromString));
        Assert.Equal(complete, TraceStateCodec.TryNormalize(value.AsSpan(), out string? fromChars));
        Assert.Equal(complete, TraceStateCodec.TryNormalize(Encoding.UTF8.GetBytes(value), out string? fromBytes));

        Assert.Equal(expected, fromString);
        Assert.Equal(expected, fromChars);
        Assert.Equal(expected, fromBytes);
    }
}
