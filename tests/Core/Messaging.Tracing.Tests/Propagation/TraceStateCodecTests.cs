using System;
using System.Linq;
using System.Text;
using Messaging.Tracing.Propagation;
using Xunit;

namespace Messaging.Tracing.Tests.Propagation;

public class TraceStateCodecTests
{
    public static TheoryData<string, string?> ValidValues => new()
    {
        { "congo=t61rcWkgMzE", "congo=t61rcWkgMzE" },
        { "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE", "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE" },
        { " rojo=1 ,\tcongo=2 ", "rojo=1,congo=2" },                 // optional white space
        { "rojo=1,,congo=2,", "rojo=1,congo=2" },                    // empty members
        { string.Empty, null },
        { "  ", null },
        { ",", null },
        { "fw529a3039@dt=value", "fw529a3039@dt=value" },            // multi-tenant key
        { "1tenant@sys=v", "1tenant@sys=v" },                         // a tenant id may start with a digit
        { "a_-*/b=1", "a_-*/b=1" },
        { "k=a b", "k=a b" },                                         // inner space in a value
        { "k=!\"#$%&'()*+-./:;<>?@[\\]^_`{|}~", "k=!\"#$%&'()*+-./:;<>?@[\\]^_`{|}~" },
        { $"{new string('k', 256)}=v", $"{new string('k', 256)}=v" },
        { $"k={new string('v', 256)}", $"k={new string('v', 256)}" },
        { string.Join(',', Enumerable.Range(0, 32).Select(i => $"k{i}=v")), string.Join(',', Enumerable.Range(0, 32).Select(i => $"k{i}=v")) },
    };

    public static TheoryData<string> InvalidValues => new()
    {
        string.Join(',', Enumerable.Range(0, 33).Select(i => $"k{i}=v")), // 33 members
        "a=1,a=2",                                                    // duplicate key
        "a=1,b=2,a=3",
        "Rojo=1",                                                     // upper case key
        "1a=1",                                                       // simple key starts with a letter
        "a@1b=1",                                                     // system id starts with a letter
        $"a@{new string('b', 15)}=1",                                 // system id too long
        $"{new string('a', 242)}@b=1",                                // tenant id too long
        "a@b@c=1",
        "@b=1",
        "a@=1",
        "a=b=c",                                                      // '=' in a value
        "a=",                                                         // empty value
        "=b",                                                         // empty key
        "ab",                                                         // no '='
        "a =b",                                                       // white space around '='
        $"{new string('k', 257)}=v",
        $"k={new string('v', 257)}",
        "a=\u0001",                                                   // control character
        "a=\u00e9",                                                   // not ASCII
        "a=\u007f",
        "good=1,Bad=2",                                               // one bad member spoils the list
    };

    [Theory]
    [MemberData(nameof(ValidValues))]
    public void Normalizes_valid_lists(string value, string? expected)
    {
        Assert.True(TraceStateCodec.TryNormalize(value, out string? fromString));
        Assert.True(TraceStateCodec.TryNormalize(value.AsSpan(), out string? fromChars));
        Assert.True(TraceStateCodec.TryNormalize(Encoding.UTF8.GetBytes(value), out string? fromBytes));

        Assert.Equal(expected, fromString);
        Assert.Equal(expected, fromChars);
        Assert.Equal(expected, fromBytes);
    }

    [Theory]
    [MemberData(nameof(InvalidValues))]
    public void Drops_invalid_lists_whole(string value)
    {
        Assert.False(TraceStateCodec.TryNormalize(value, out string? fromString));
        Assert.False(TraceStateCodec.TryNormalize(Encoding.UTF8.GetBytes(value), out string? fromBytes));
        Assert.Null(fromString);
        Assert.Null(fromBytes);
    }

    [Fact]
    public void Returns_the_same_instance_when_already_canonical()
    {
        string value = "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE";

        Assert.True(TraceStateCodec.TryNormalize(value, out string? normalized));
        Assert.Same(value, normalized);
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
}
