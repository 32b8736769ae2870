using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading.Tasks;
using Messaging.Tracing.Diagnostics;
using Messaging.Tracing.Spans;
using StackExchange.Redis;

namespace Messaging.Tracing.Redis;

/// <summary>The traced <c>XADD</c> behind <c>StreamAddTracedAsync</c>.</summary>
internal static class RedisStreamAppending
{
    private const string SendOperation = "send";

    // Room for traceparent, tracestate and baggage.
    private const int TraceFields = 3;

    public static async Task<string> AddAsync(
        IDatabase database,
        RedisKey stream,
        IReadOnlyList<StreamField> fields,
        long? maxLength,
        bool useApproximateMaxLength,
        MessagingTracer tracer,
        RedisTracingOptions? options)
    {
        string streamName = (string)stream!;
        if (options is not null && !options.TracesStream(streamName))
        {
            return await XAddAsync(database, stream, fields, maxLength, useApproximateMaxLength).ConfigureAwait(false);
        }

        Activity? span = StartSend(tracer, streamName, fields, options?.ClientId);
        IReadOnlyList<StreamField> sent = WithTraceFields(tracer, span, fields) ?? fields;
        try
        {
            string id = await XAddAsync(database, stream, sent, maxLength, useApproximateMaxLength).ConfigureAwait(false);
            if (span is { IsAllDataRequested: true })
            {
                span.SetTag(MessagingAttributes.MessageId, id);
            }

            return id;
        }
        catch (Exception ex)
        {
            span.RecordMessagingException(ex);
            throw;
        }
        finally
        {
            // Stopped here rather than by `using`: a listener that throws on stop must not fail a message that went.
            span.StopReportingFaults();
        }
    }

    /// <summary>
    /// A copy of the caller's fields with the trace fields replaced (earlier ones removed, the current ones appended), so
    /// the caller's list is never touched; null when the copy cannot be made (the caller's fields then go as they are).
    /// </summary>
    private static List<StreamField>? WithTraceFields(MessagingTracer tracer, Activity? span, IReadOnlyList<StreamField> fields)
    {
        try
        {
            var traced = new List<StreamField>(fields.Count + TraceFields);
            for (int i = 0; i < fields.Count; i++)
            {
                traced.Add(fields[i]);
            }

            tracer.Inject(span, traced, StreamFieldsCarrierAdapter.Instance);
            return traced;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            MessagingTracingEventSource.Log.InstrumentationFailed(nameof(RedisStreamAppending), ex);
            return null;
        }
    }

    /// <summary><c>XADD key [MAXLEN [~] n] * name value …</c>; returns the new entry's id.</summary>
    private static async Task<string> XAddAsync(IDatabase database, RedisKey stream, IReadOnlyList<StreamField> fields, long? maxLength, bool approximate)
    {
        int trim = maxLength is null ? 0 : approximate ? 3 : 2;
        var args = new object[2 + trim + (2 * fields.Count)];
        int next = 0;
        args[next++] = stream;
        if (maxLength is { } length)
        {
            args[next++] = "MAXLEN";
            if (approximate)
            {
                args[next++] = "~";
            }

            args[next++] = length;
        }

        args[next++] = "*";
        for (int i = 0; i < fields.Count; i++)
        {
            StreamField field = fields[i];
            args[next++] = field.Name;
            args[next++] = field.Value;
        }

        RedisResult id = await database.ExecuteAsync("XADD", args).ConfigureAwait(false);
        return (string)id!;
    }

    private static Activity? StartSend(MessagingTracer tracer, string stream, IReadOnlyList<StreamField> fields, string? clientId)
    {
        Activity? span = null;
        try
        {
            var operation = new MessagingOperation(RedisAttributes.SystemName, MessagingOperationType.Send, SendOperation, stream);
            span = tracer.StartProducer(operation, fields);
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
