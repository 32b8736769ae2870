using System.Text;
using Confluent.Kafka;
using Messaging.Tracing.Propagation;
using Xunit;

namespace Messaging.Tracing.Kafka.Tests;

public class KafkaHeadersCarrierAdapterTests
{
    private static readonly KafkaHeadersCarrierAdapter Adapter = KafkaHeadersCarrierAdapter.Instance;

    [Fact]
    public void Reads_a_single_value_as_the_same_bytes()
    {
        byte[] value = Encoding.ASCII.GetBytes("a=1");
        var headers = new Headers { { "tracestate", value } };

        Assert.True(Adapter.TryGet(headers, "tracestate", out CarrierValue read));
        Assert.Same(value, read.Bytes);
    }

    [Fact]
    public void Joins_repeated_values_with_commas_and_skips_null_values()
    {
        var headers = new Headers { { "baggage", Encoding.ASCII.GetBytes("a=1") }, { "baggage", null }, { "other", [1] }, { "baggage", Encoding.ASCII.GetBytes("b=2") } };

        Assert.True(Adapter.TryGet(headers, "baggage", out CarrierValue read));
        Assert.Equal("a=1,b=2", read.ToString());
    }

    [Fact]
    public void A_key_repeated_ten_thousand_times_is_read_in_linear_memory()
    {
        const int Repeats = 10_000;
        byte[] member = Encoding.ASCII.GetBytes(new string('k', 99) + "=");
        var headers = new Headers();
        for (int i = 0; i < Repeats; i++)
        {
            headers.Add("tracestate", member);
        }

        long before = System.GC.GetAllocatedBytesForCurrentThread();
        Assert.True(Adapter.TryGet(headers, "tracestate", out CarrierValue read));
        long allocated = System.GC.GetAllocatedBytesForCurrentThread() - before;

        int joined = (Repeats * member.Length) + Repeats - 1;
        Assert.Equal(joined, read.Bytes!.Length);

        // The joined value and the list of the repeats; joining pairwise would copy about 5 GB.
        Assert.InRange(allocated, joined, 2L * joined);
    }

    [Fact]
    public void Absent_and_null_only_keys_are_not_found()
    {
        var headers = new Headers { { "baggage", null } };

        Assert.False(Adapter.TryGet(headers, "baggage", out _));
        Assert.False(Adapter.TryGet(headers, "traceparent", out _));
    }

    [Fact]
    public void Replace_removes_every_earlier_value_and_keeps_other_headers()
    {
        byte[] application = [0, 255];
        var headers = new Headers { { "traceparent", [1] }, { "app", application }, { "traceparent", [2] } };

        Adapter.Replace(headers, "traceparent", CarrierValue.FromBytes([3]));

        Assert.Equal(2, headers.Count);
        Assert.Same(application, headers.GetLastBytes("app"));
        Assert.Equal(new byte[] { 3 }, headers.GetLastBytes("traceparent"));
    }
}
