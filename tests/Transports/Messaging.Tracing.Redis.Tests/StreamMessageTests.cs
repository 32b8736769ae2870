using System;
using StackExchange.Redis;
using Xunit;

namespace Messaging.Tracing.Redis.Tests;

public class StreamMessageTests
{
    private const string ValidTraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    [Fact]
    public void A_message_over_an_entry_read_elsewhere_copies_its_values()
    {
        NameValueEntry[] values = [new("order", "42"), new("traceparent", ValidTraceParent), new("order", "43")];
        var entry = new StreamEntry("1700000000000-0", values);

        var message = new StreamMessage("orders", entry, deliveryCount: 3, isClaimed: true);
        values[0] = new NameValueEntry("order", "changed");

        Assert.Equal("orders", message.Stream);
        Assert.Equal(entry.Id, message.Id);
        Assert.Equal([new NameValueEntry("order", "42"), new NameValueEntry("traceparent", ValidTraceParent), new NameValueEntry("order", "43")], message.Values);
        Assert.Equal(3, message.DeliveryCount);
        Assert.True(message.IsClaimed);
        Assert.True(message.TryGetValue("order", out RedisValue first));
        Assert.Equal("42", (string?)first);
        Assert.False(message.TryGetValue("Order", out RedisValue absent));
        Assert.True(absent.IsNull);
        Assert.Equal("b7ad6b7169203331", message.ExtractTraceContext(MessagingTracer.Default).ActivityContext.SpanId.ToHexString());
    }

    [Fact]
    public void Arguments_are_validated()
    {
        Assert.Throws<ArgumentException>(() => new StreamMessage("orders", StreamEntry.Null));
        Assert.Throws<ArgumentException>(() => new StreamMessage("orders", RedisValue.EmptyString, [new NameValueEntry("n", 1)]));
        Assert.ThrowsAny<ArgumentException>(() => new StreamMessage("", "1-0", [new NameValueEntry("n", 1)]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StreamMessage("orders", "1-0", [new NameValueEntry("n", 1)], deliveryCount: 0));
    }
}
