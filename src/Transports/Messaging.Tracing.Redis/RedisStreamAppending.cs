using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading.Tasks;
using Messaging.Tracing.Diagnostics;
using Messaging.Tracing.Instruments;
using Messaging.Tracing.Spans;
using StackExchange.Redis;

namespace Messaging.Tracing.Redis;

/// <summary>
/// The traced <c>XADD</c> behind <c>StreamAddTracedAsync</c>: a send span and a send measurement
/// (<see cref="MessagingMeasurement"/>), both until the server's reply, failed or not.
/// </summary>
internal static class RedisStreamAppending
{
    private const string SendOperation = "send";

    // Room for traceparent, tracestate and baggage.
    private const int TracePairs = 3;

    public static async Task<RedisValue> AddAsync(
        IDatabase database,
        RedisKey key,
        NameValueEntry[] streamPairs,
        RedisValue? messageId,
        int? maxLength,
        bool useApproximateMaxLength,
        MessagingTracer tracer,
        RedisTracingOptions? options)
    {
        string stream = (string)key!;
        if (options is not null && !options.TracesStream(stream))
        {
            return await database.StreamAddAsync(key, streamPairs, messageId, maxLength, useApproximateMaxLength).ConfigureAwait(false);
        }

        var operation = new MessagingOperation(RedisAttributes.SystemName, MessagingOperationType.Send, SendOperation, stream);
        Activity? span = StartSend(tracer, operation, streamPairs, options?.ClientId);
        NameValueEntry[] sent = WithTracePairs(tracer, span, streamPairs) ?? streamPairs;
        MessagingMeasurement measurement = MessagingMeasurement.Start(operation);
        string? errorType = null;
        try
        {
            RedisValue id = await database.StreamAddAsync(key, sent, messageId, maxLength, useApproximateMaxLength).ConfigureAwait(false);
            if (span is { IsAllDataRequested: true })
            {
                span.SetTag(MessagingAttributes.MessageId, id.ToString());
            }

            return id;
        }
        catch (Exception ex)
        {
            span.RecordMessagingException(ex);
            errorType = MessagingSpanExtensions.ErrorTypeOf(ex);
            throw;
        }
        finally
        {
            // Stopped here rather than by `using`: a listener that throws on stop must not fail a message that went.
            span.StopReportingFaults();
            measurement.Complete(errorType);
        }
    }

    /// <summary>
    /// A copy of the caller's pairs with the trace pairs replaced (earlier ones removed, the current ones appended), so the
    /// caller's array is never touched; null when the copy cannot be made (the caller's pairs then go as they are).
    /// </summary>
    private static NameValueEntry[]? WithTracePairs(MessagingTracer tracer, Activity? span, NameValueEntry[] streamPairs)
    {
        try
        {
            var traced = new List<NameValueEntry>(streamPairs.Length + TracePairs);
            traced.AddRange(streamPairs);
            tracer.Inject(span, traced, NameValueEntriesCarrierAdapter.Instance);
            return [.. traced];
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            MessagingTracingEventSource.Log.InstrumentationFailed(nameof(RedisStreamAppending), ex);
            return null;
        }
    }

    private static Activity? StartSend(MessagingTracer tracer, in MessagingOperation operation, NameValueEntry[] streamPairs, string? clientId)
    {
        Activity? span = null;
        try
        {
            span = tracer.StartProducer(operation, streamPairs);
            if (span is { IsAllDataRequested: true } && clientId is not null)
            {
                span.SetTag(MessagingAttributes.ClientId, clientId);
            }

            return span;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            MessagingTracingEventSource.Log.InstrumentationFailed(nameof(RedisStreamAppending), ex);
            span.StopReportingFaults();
            return null;
        }
    }
}
