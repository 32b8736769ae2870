using System;
using System.Collections.Generic;
using System.Text;
using MassTransit.Transports;
using Messaging.Tracing.Propagation;
using OpenTelemetry.Context.Propagation;
using RabbitMQ.Client;
using Xunit;

namespace Messaging.Tracing.MassTransit.Tests;

/// <summary>What <see cref="MassTransitHeadersCarrierAdapter"/> reads from received headers, as MassTransit's transports hand them over.</summary>
public class MassTransitHeadersCarrierAdapterTests
{
    private const string TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    public static TheoryData<string, object> ContextValues => new()
    {
        { "string", TraceParent },
        { "byte[]", Encoding.ASCII.GetBytes(TraceParent) },
        { "ReadOnlyMemory<byte>", new ReadOnlyMemory<byte>(Encoding.ASCII.GetBytes("--" + TraceParent), 2, TraceParent.Length) },
        { "AMQP byte array (pika bytes, Java byte[])", new BinaryTableValue(Encoding.ASCII.GetBytes(TraceParent)) },
    };

    public static TheoryData<string, object> OtherValues => new()
    {
        { "number", 42 },
        { "list", new List<object> { Encoding.ASCII.GetBytes(TraceParent) } },
        { "table", new Dictionary<string, object> { ["bytes"] = Encoding.ASCII.GetBytes(TraceParent) } },
        { "AMQP timestamp", new AmqpTimestamp(1_700_000_000) },
    };

    [Theory]
    [MemberData(nameof(ContextValues))]
    public void A_context_header_is_read_whatever_the_value_type(string kind, object value)
    {
        Assert.True(MassTransitHeadersCarrierAdapter.Instance.TryGet(Received(value), "traceparent", out CarrierValue read), kind);

        Assert.Equal(TraceParent, read.Text ?? Encoding.ASCII.GetString(read.Bytes!));
    }

    [Theory]
    [MemberData(nameof(OtherValues))]
    public void A_value_that_cannot_carry_a_context_reads_as_absent(string kind, object value)
    {
        Assert.False(MassTransitHeadersCarrierAdapter.Instance.TryGet(Received(value), "traceparent", out CarrierValue read), kind);
        Assert.True(read.IsEmpty);
    }

    [Fact]
    public void An_AMQP_byte_array_traceparent_is_extracted_as_the_producers_context()
    {
        var tracer = new MessagingTracer(new MessagingTracingOptions());

        PropagationContext extracted = tracer.Extract(
            Received(new BinaryTableValue(Encoding.ASCII.GetBytes(TraceParent))),
            MassTransitHeadersCarrierAdapter.Instance);

        Assert.Equal("0af7651916cd43dd8448eb211c80319c", extracted.ActivityContext.TraceId.ToHexString());
        Assert.Equal("b7ad6b7169203331", extracted.ActivityContext.SpanId.ToHexString());
    }

    /// <summary>Headers as MassTransit's RabbitMQ transport hands them to <c>ReceiveContext.TransportHeaders</c>.</summary>
    private static global::MassTransit.Headers Received(object value) =>
        new JsonTransportHeaders(new DictionaryHeaderProvider(new Dictionary<string, object> { ["traceparent"] = value }));
}
