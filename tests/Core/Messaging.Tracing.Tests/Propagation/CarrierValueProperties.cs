using System.Text;
using FsCheck.Fluent;
using Messaging.Tracing.Propagation;
using Messaging.Tracing.Tests.PropertyTesting;
using Xunit;
using Xunit.Abstractions;

namespace Messaging.Tracing.Tests.Propagation;

[Trait("Category", "Reliability")]
public class CarrierValueProperties(ITestOutputHelper output)
{
    private const string Parser = "carrier-value";

    [Fact]
    public void Any_bytes_or_text_wrap_and_read_back_without_throwing()
    {
        PropertyRun.Check(output, Parser, "wrap", HostileInput.NoiseBytes.Zip(HostileInput.NoiseString), input =>
        {
            (byte[] bytes, string text) = input;
            CarrierValue fromBytes = CarrierValue.FromBytes(bytes);
            CarrierValue fromText = CarrierValue.FromText(text);

            Assert.Same(bytes, fromBytes.Bytes);
            Assert.Null(fromBytes.Text);
            Assert.Equal(Encoding.UTF8.GetString(bytes), fromBytes.ToString());
            Assert.Same(text, fromText.Text);
            Assert.Null(fromText.Bytes);
            Assert.Equal(text, fromText.ToString());
            Assert.False(fromBytes.IsEmpty || fromText.IsEmpty);

            // Equality is by instance: equal content in another array is another value.
            Assert.Equal(fromBytes, CarrierValue.FromBytes(bytes));
            Assert.NotEqual(fromBytes, CarrierValue.FromBytes((byte[])bytes.Clone()));
            Assert.NotEqual(fromBytes, fromText);
        });
    }
}
