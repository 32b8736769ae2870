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
        Assert.Equal(expected, Encoding.ASCII.GetString(RepeatedValues.Join(Encoding.ASCII.GetBytes(first), Encoding.ASCII.GetBytes(second))));
    }

    [Fact]
    public void Null_values_are_rejected()
    {
        Assert.Throws<ArgumentNullException>(() => RepeatedValues.Join(null!, []));
        Assert.Throws<ArgumentNullException>(() => RepeatedValues.Join([], null!));
    }
}
