using System.Collections.Generic;
using System.Text;
using Messaging.Tracing.Propagation;
using StackExchange.Redis;
using Xunit;

namespace Messaging.Tracing.Redis.Tests;

public class NameValueEntriesCarrierAdapterTests
{
    private static readonly NameValueEntriesCarrierAdapter Adapter = NameValueEntriesCarrierAdapter.Instance;

    [Fact]
    public void Reads_a_value_stored_as_bytes_or_as_text()
    {
        byte[] stored = Encoding.ASCII.GetBytes("a=1");
        NameValueEntry[] fields = [new(Encoding.ASCII.GetBytes("tracestate"), stored), new("baggage", "k=v")];

        Assert.True(Adapter.TryGet(fields, "tracestate", out CarrierValue traceState));
        Assert.Equal(stored, traceState.Bytes);
        Assert.True(Adapter.TryGet(fields, "baggage", out CarrierValue baggage));
        Assert.Equal("k=v", baggage.ToString());
    }

    [Fact]
    public void Joins_repeated_names_with_commas_and_skips_null_values()
    {
        NameValueEntry[] fields = [new("baggage", "a=1"), new("baggage", RedisValue.Null), new("other", "x"), new("baggage", "b=2")];

        Assert.True(Adapter.TryGet(fields, "baggage", out CarrierValue value));
        Assert.Equal("a=1,b=2", value.ToString());
    }

    [Fact]
    public void A_name_repeated_ten_thousand_times_is_read_in_linear_memory()
    {
        const int Repeats = 10_000;
        byte[] name = Encoding.ASCII.GetBytes("baggage");
        byte[] member = Encoding.ASCII.GetBytes(new string('k', 99) + "=");
        var fields = new List<NameValueEntry>(Repeats);
        for (int i = 0; i < Repeats; i++)
        {
            fields.Add(new NameValueEntry(name, member));
        }

        long before = System.GC.GetAllocatedBytesForCurrentThread();
        Assert.True(Adapter.TryGet(fields, "baggage", out CarrierValue read));
        long allocated = System.GC.GetAllocatedBytesForCurrentThread() - before;

        int joined = (Repeats * member.Length) + Repeats - 1;
        Assert.Equal(joined, read.Bytes!.Length);

        // The joined value and the list of the repeats; joining pairwise would copy about 5 GB.
        Assert.InRange(allocated, joined, 2L * joined);
    }

    [Fact]
    public void Names_match_exactly()
    {
        NameValueEntry[] fields = [new("Traceparent", "x"), new("traceparent ", "y")];

        Assert.False(Adapter.TryGet(fields, "traceparent", out _));
        Assert.False(Adapter.TryGet(fields, "baggage", out _));
    }

    [Fact]
    public void Replace_removes_every_earlier_value_appends_text_and_keeps_the_other_fields_in_order()
    {
        byte[] payload = [0, 255, 1];
        var fields = new List<NameValueEntry> { new("traceparent", "old-1"), new("a", payload), new("traceparent", "old-2"), new("b", "2") };

        Adapter.Replace(fields, "traceparent", CarrierValue.FromText("new"));

        Assert.Equal(
            [new NameValueEntry("a", payload), new NameValueEntry("b", "2"), new NameValueEntry("traceparent", "new")],
            fields);
    }

    [Fact]
    public void Remove_removes_every_value_and_ignores_absent_names()
    {
        var fields = new List<NameValueEntry> { new("baggage", "a=1"), new("a", "1"), new("baggage", "b=2") };

        Adapter.Remove(fields, "baggage");
        Adapter.Remove(fields, "tracestate");

        Assert.Equal([new NameValueEntry("a", "1")], fields);
    }
}
