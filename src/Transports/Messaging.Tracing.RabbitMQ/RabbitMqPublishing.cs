using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Messaging.Tracing.Diagnostics;
using Messaging.Tracing.Instruments;
using Messaging.Tracing.Spans;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Messaging.Tracing.RabbitMQ;

/// <summary>The traced publish behind <c>BasicPublishTracedAsync</c>.</summary>
internal static class RabbitMqPublishing
{
    private const string PublishOperation = "publish";

    // Room for traceparent, tracestate, baggage and RabbitMQ.Client's publish sequence number.
    private const int ExtraHeaders = 4;

    public static async ValueTask PublishAsync(
        IChannel channel,
        string exchange,
        string routingKey,
        bool mandatory,
        IReadOnlyBasicProperties? properties,
        ReadOnlyMemory<byte> body,
        MessagingTracer tracer,
        RabbitMqTracingOptions? options,
        CancellationToken cancellationToken)
    {
        // Measured until the publish completes — after the broker's confirm when the channel waits for confirms —, failed or not,
        // whoever's span stands for it.
        var operation = new MessagingOperation(RabbitMqAttributes.SystemName, MessagingOperationType.Send, PublishOperation, RabbitMqSpanTags.Destination(exchange, routingKey, queue: null))
        {
            DestinationTemplate = RabbitMqSpanTags.Template(exchange, routingKey, queue: null, options?.RoutingKeyInMetrics ?? true),
        };
        MessagingMeasurement measurement = MessagingMeasurement.Start(operation);
        string? errorType = null;
        Activity? span = null;
        try
        {
            BasicProperties? traced = Copy(properties);
            if (traced?.Headers is not { } headers)
            {
                await PassThroughAsync(channel, exchange, routingKey, mandatory, properties, body, cancellationToken).ConfigureAwait(false);
                return;
            }

            // When RabbitMQ.Client's publisher source is listened, BasicPublishAsync starts its own publish span and writes
            // that span's context over traceparent: it is the one producer span. Ours would be a second one, and the wire
            // would not carry it.
            span = RabbitMqClientInstrumentation.PublisherIsListened
                ? null
                : StartPublish(tracer, operation, routingKey, traced, body.Length, options?.ClientId);

            // The span's context — or the caller's when there is no span of ours, which RabbitMQ.Client's span (a child of
            // the caller's) then replaces — and the baggage.
            tracer.Inject(span, headers, RabbitMqHeadersCarrierAdapter.Instance);
            await channel.BasicPublishAsync(exchange, routingKey, mandatory, traced, body, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            errorType = ErrorType(ex);
            RecordFailure(span, ex, errorType);
            throw;
        }
        finally
        {
            // Stopped here rather than by `using`: a listener that throws on stop must not fail a message that went.
            span.StopReportingFaults();
            measurement.Complete(errorType);
        }
    }

    /// <summary>Publishes exactly what the caller gave, as a plain <c>BasicPublishAsync</c> would.</summary>
    public static ValueTask PassThroughAsync(
        IChannel channel,
        string exchange,
        string routingKey,
        bool mandatory,
        IReadOnlyBasicProperties? properties,
        ReadOnlyMemory<byte> body,
        CancellationToken cancellationToken) => properties switch
        {
            null => channel.BasicPublishAsync(exchange, routingKey, mandatory, body, cancellationToken),
            BasicProperties writable => channel.BasicPublishAsync(exchange, routingKey, mandatory, writable, body, cancellationToken),
            _ => channel.BasicPublishAsync(exchange, routingKey, mandatory, new BasicProperties(properties), body, cancellationToken),
        };

    /// <summary>
    /// A copy of the properties with a copy of the header table, so neither injection nor RabbitMQ.Client (which writes
    /// into the table it is given) touches the caller's; null when the table cannot be copied.
    /// </summary>
    private static BasicProperties? Copy(IReadOnlyBasicProperties? properties)
    {
        try
        {
            IDictionary<string, object?>? original = properties?.Headers;
            var headers = new Dictionary<string, object?>((original?.Count ?? 0) + ExtraHeaders, StringComparer.Ordinal);
            if (original is Dictionary<string, object?> dictionary)
            {
                foreach (KeyValuePair<string, object?> header in dictionary)
                {
                    headers[header.Key] = header.Value;
                }
            }
            else if (original is not null)
            {
                foreach (KeyValuePair<string, object?> header in original)
                {
                    headers[header.Key] = header.Value;
                }
            }

            return properties is null ? new BasicProperties { Headers = headers } : new BasicProperties(properties) { Headers = headers };
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            MessagingTracingEventSource.Log.InstrumentationFailed(nameof(RabbitMqPublishing), ex);
            return null;
        }
    }

    /// <summary>
    /// The <c>error.type</c> of a failed publish: a returned mandatory message gets <see cref="RabbitMqAttributes.ReturnedErrorType"/>,
    /// the same on every supported RabbitMQ.Client version (7.1 throws a <see cref="PublishException"/> with
    /// <see cref="PublishException.IsReturn"/>, 7.2 its subclass <c>PublishReturnException</c>); anything else its full type name.
    /// </summary>
    private static string ErrorType(Exception exception) => exception is PublishException { IsReturn: true }
        ? RabbitMqAttributes.ReturnedErrorType
        : MessagingSpanExtensions.ErrorTypeOf(exception);

    private static void RecordFailure(Activity? span, Exception exception, string errorType)
    {
        span.RecordMessagingException(exception);
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag(MessagingAttributes.ErrorType, errorType);
        }
    }

    private static Activity? StartPublish(MessagingTracer tracer, in MessagingOperation operation, string routingKey, BasicProperties properties, int bodySize, string? clientId)
    {
        Activity? span = null;
        try
        {
            span = tracer.StartProducer(operation, properties);
            RabbitMqSpanTags.SetMessage(span, routingKey, properties, bodySize, clientId);
            return span;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            MessagingTracingEventSource.Log.InstrumentationFailed(nameof(RabbitMqPublishing), ex);
            span.StopReportingFaults();
            return null;
        }
    }
}
