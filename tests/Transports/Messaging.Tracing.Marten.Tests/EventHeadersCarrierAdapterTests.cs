using System.Text.Json;
using JasperFx.Events;
using Messaging.Tracing.Propagation;
using Xunit;

namespace Messaging.Tracing.Marten.Tests;

public class EventHeadersCarrierAdapterTests
{
    private static readonly EventHeadersCarrierAdapter Adapter = EventHeadersCarrierAdapter.Instance;

    [Fact]
    public void Reads_a_string_and_a_string_json_element_as_the_serializer_returns_them()
    {
        IEvent written = new Event<BandRegistered>(new BandRegistered("Low"));
        written.SetHeader("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        IEvent read = new Event<BandRegistered>(new BandRegistered("Low"));
        read.SetHeader("traceparent", JsonDocument.Parse("\"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\"").RootElement);

        foreach (IEvent e in new[] { written, read })
        {
            Assert.True(Adapter.TryGet(e, "traceparent", out CarrierValue value));
            Assert.Equal("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", value.ToString());
        }
    }

    [Fact]
    public void A_missing_header_or_one_that_is_not_a_string_reads_as_absent()
    {
        IEvent e = new Event<BandRegistered>(new BandRegistered("Low"));
        Assert.False(Adapter.TryGet(e, "traceparent", out _));

        e.SetHeader("traceparent", 42);
        e.SetHeader("tracestate", JsonDocument.Parse("{\"a\":1}").RootElement);
        Assert.False(Adapter.TryGet(e, "traceparent", out _));
        Assert.False(Adapter.TryGet(e, "tracestate", out _));
    }

    [Fact]
    public void Replace_stores_a_string_and_Remove_works_without_headers()
    {
        IEvent e = new Event<BandRegistered>(new BandRegistered("Low"));
        Adapter.Remove(e, "traceparent");

        Adapter.Replace(e, "baggage", CarrierValue.FromText("tenant=acme"));
        Adapter.Replace(e, "baggage", CarrierValue.FromText("tenant=other"));

        Assert.Equal("tenant=other", Assert.IsType<string>(e.GetHeader("baggage")));
        Adapter.Remove(e, "baggage");
        Assert.Null(e.GetHeader("baggage"));
    }
}
