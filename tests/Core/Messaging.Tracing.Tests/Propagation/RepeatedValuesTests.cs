using System;
using System.Text;
using Messaging.Tracing.Propagation;
using Xunit;

namespace Messaging.Tracing.Tests.Propagation;

public class RepeatedValuesTests
{
    [Theory]
    [InlineData("a=1", "b=2", "a=1,b=2")]
    [InlineData("", "b=2", ",b=2")]
    [InlineData("a=1", "", "a=1,")]
    public void Joins_in_order_with_a_comma(string first, string second, string expected)
    {
        Assert.Equal(expected, Encoding.ASCII.GetString(RepeatedValues.Join([Encoding.ASCII.GetBytes(first), Encoding.ASCII.GetBytes(second)])));
    }

    [Fact]
    public void Null_values_are_rejected()
    {
        Assert.Throws<ArgumentNullException>(() => RepeatedValues.Join([null!, []]));
        Assert.Throws<ArgumentNullException>(() => RepeatedValues.Join([[], null!]));
    }

    [Theory]
    [InlineData(new[] { "a=1" }, "a=1")]
    [InlineData(new[] { "a=1", "b=2", "c=3" }, "a=1,b=2,c=3")]
    [InlineData(new[] { "", "", "" }, ",,")]
    [InlineData(new string[0], "")]
    public void Joins_any_number_of_values_in_order(string[] values, string expected)
    {
        byte[][] bytes = Array.ConvertAll(values, Encoding.ASCII.GetBytes);
        Assert.Equal(expected, Encoding.ASCII.GetString(RepeatedValues.Join(bytes)));
    }

    [Fact]
    public void A_key_repeated_ten_thousand_times_is_joined_in_one_copy()
    {
        const int Repeats = 10_000;
        byte[] member = Encoding.ASCII.GetBytes(new string('k', 99) + "=");
        var values = new byte[Repeats][];
        Array.Fill(values, member);

        long before = GC.GetAllocatedBytesForCurrentThread();
        byte[] joined = RepeatedValues.Join(values);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal((Repeats * member.Length) + Repeats - 1, joined.Length);
        Assert.InRange(allocated, joined.Length, joined.Length + 1024);
    }
}
