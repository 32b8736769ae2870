using System;
using System.Collections.Generic;
using System.Text;
using Messaging.Tracing.Propagation;
using RabbitMQ.Client;
using Xunit;

namespace Messaging.Tracing.RabbitMQ.Tests;

public class RabbitMqHeadersCarrierAdapterTests
{
    private const string TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    private static readonly RabbitMqHeadersCarrierAdapter Adapter = RabbitMqHeadersCarrierAdapter.Instance;

    [Fact]
    public void Writes_bytes()
    {
        Assert.Equal(CarrierValueKind.Bytes, Adapter.ValueKind);
    }

    [Fact]
    public void Reads_bytes_as_the_same_array()
    {
        byte[] value = Encoding.ASCII.GetBytes(TraceParent);
        var headers = new Dictionary<string, object?> { ["traceparent"] = value };

        Assert.True(Adapter.TryGet(headers, "traceparent", out CarrierValue read));
        Assert.Same(value, read.Bytes);
    }

    [Fact]
    public void Reads_a_string()
    {
        var headers = new Dictionary<string, object?> { ["traceparent"] = TraceParent };

        Assert.True(Adapter.TryGet(headers, "traceparent", out CarrierValue read));
        Assert.Equal(TraceParent, read.Text);
    }

    [Fact]
    public void Reads_a_binary_table_value_as_its_bytes()
    {
        // An AMQP byte array (field type 'x'), as Python's pika sends bytes and Java's client byte[].
        byte[] value = Encoding.ASCII.GetBytes(TraceParent);
        var headers = new Dictionary<string, object?> { ["traceparent"] = new BinaryTableValue(value) };

        Assert.True(Adapter.TryGet(headers, "traceparent", out CarrierValue read));
        Assert.Same(value, read.Bytes);
    }

    [Theory]
    [InlineData(0, 55)]
    [InlineData(3, 55)]
    public void Reads_memory_of_bytes_whole_or_sliced(int offset, int length)
    {
        byte[] buffer = new byte[offset + length];
        Encoding.ASCII.GetBytes(TraceParent).CopyTo(buffer, offset);
        var headers = new Dictionary<string, object?> { ["traceparent"] = new ReadOnlyMemory<byte>(buffer, offset, length) };

        Assert.True(Adapter.TryGet(headers, "traceparent", out CarrierValue read));
        Assert.Equal(TraceParent, read.ToString());
        Assert.Equal(offset == 0, ReferenceEquals(buffer, read.Bytes));
    }

    [Theory]
    [InlineData("int")]
    [InlineData("long")]
    [InlineData("bool")]
    [InlineData("double")]
    [InlineData("decimal")]
    [InlineData("timestamp")]
    [InlineData("list")]
    [InlineData("table")]
    [InlineData("binary table value without bytes")]
    [InlineData("null")]
    public void Other_AMQP_types_are_not_found(string type)
    {
        var headers = new Dictionary<string, object?> { ["traceparent"] = ForeignValue(type) };

        Assert.False(Adapter.TryGet(headers, "traceparent", out CarrierValue read));
        Assert.True(read.IsEmpty);
    }

    // Issue 7 (hostile headers): a value of another AMQP type is reported by the header's name, never by its value.
    [Theory]
    [InlineData("int", true)]
    [InlineData("long", true)]
    [InlineData("bool", true)]
    [InlineData("double", true)]
    [InlineData("decimal", true)]
    [InlineData("timestamp", true)]
    [InlineData("list", true)]
    [InlineData("table", true)]
    [InlineData("binary table value without bytes", true)]
    [InlineData("null", false)]
    public void Other_AMQP_types_are_reported_by_name_only(string type, bool reported)
    {
        using var listener = new MalformedHeaderListener();
        string key = "traceparent-" + Guid.NewGuid().ToString("N");
        var headers = new Dictionary<string, object?> { [key] = ForeignValue(type) };

        Assert.False(Adapter.TryGet(headers, key, out _));

        Assert.Equal(reported ? [(key, 0)] : [], listener.Reported(key));
    }

    [Fact]
    public void Absent_keys_are_not_found()
    {
        Assert.False(Adapter.TryGet(new Dictionary<string, object?>(), "traceparent", out _));
    }

    [Theory]
    [InlineData("ordinal")]
    [InlineData("ignore case")]
    [InlineData("sorted")]
    public void Lookup_is_exact_whatever_the_dictionary_comparer(string kind)
    {
        IDictionary<string, object?> headers = kind switch
        {
            "ordinal" => new Dictionary<string, object?>(StringComparer.Ordinal),
            "ignore case" => new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase),
            _ => new SortedDictionary<string, object?>(StringComparer.OrdinalIgnoreCase),
        };
        headers["TraceParent"] = Encoding.ASCII.GetBytes(TraceParent);
        headers["baggage"] = Encoding.ASCII.GetBytes("a=1");

        Assert.False(Adapter.TryGet(headers, "traceparent", out _));
        Assert.True(Adapter.TryGet(headers, "baggage", out CarrierValue baggage));
        Assert.Equal("a=1", baggage.ToString());
    }

    [Fact]
    public void Replace_writes_bytes_over_any_earlier_value_and_keeps_other_headers()
    {
        byte[] application = [0, 255];
        var headers = new Dictionary<string, object?> { ["traceparent"] = "stale", ["app"] = application };

        Adapter.Replace(headers, "traceparent", CarrierValue.FromBytes([3]));
        Adapter.Replace(headers, "tracestate", CarrierValue.FromText("a=1"));

        Assert.Equal(3, headers.Count);
        Assert.Same(application, headers["app"]);
        Assert.Equal(new byte[] { 3 }, headers["traceparent"]);
        Assert.Equal("a=1"u8.ToArray(), headers["tracestate"]);
    }

    [Fact]
    public void Remove_removes_the_key_and_ignores_an_absent_one()
    {
        var headers = new Dictionary<string, object?> { ["baggage"] = "a=1", ["app"] = 1 };

        Adapter.Remove(headers, "baggage");
        Adapter.Remove(headers, "tracestate");

        Assert.Equal(["app"], headers.Keys);
    }

    internal static object? ForeignValue(string type) => type switch
    {
        "int" => 42,
        "long" => 42L,
        "bool" => true,
        "double" => 4.2,
        "decimal" => 4.2m,
        "timestamp" => new AmqpTimestamp(1_700_000_000),
        "list" => new List<object?> { Encoding.ASCII.GetBytes(TraceParent) },
        "table" => new Dictionary<string, object?> { ["traceparent"] = Encoding.ASCII.GetBytes(TraceParent) },
        "binary table value without bytes" => new BinaryTableValue { Bytes = null! },
        "null" => null,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };
}
