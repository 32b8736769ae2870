using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Confluent.Kafka;
using Messaging.Tracing.Diagnostics;
using Messaging.Tracing.Instruments;
using Messaging.Tracing.Spans;

namespace Messaging.Tracing.Kafka;

/// <summary>
/// A Kafka producer that traces every message it sends: a <c>send {topic}</c> span (Producer kind) that ends
/// when the delivery report arrives, with the span's context written into the message's headers.
/// </summary>
/// <remarks>
/// <para>The caller's <see cref="Message{TKey, TValue}"/> and <see cref="Headers"/> are never changed: a copy
/// carries the trace headers (replacing any earlier <c>traceparent</c>, <c>tracestate</c> and <c>baggage</c>, so
/// re-sending one message object never duplicates them), and the application's other headers are kept byte for
/// byte. The delivery result and report carry that copy, as it was sent.</para>
/// <para>Every traced send is measured (<see cref="MessagingMeasurement"/>), whether or not its span is sampled: a
/// <c>messaging.client.operation.duration</c> from the call to the delivery report (to the call's return without
/// delivery reports) and one <c>messaging.client.sent.messages</c>, failed sends included with <c>error.type</c> = the
/// Kafka error code's name (<see cref="ErrorCode"/>, as on the span) or the exception's full type name.</para>
/// <para>Everything else (transactions, flush, poll, <see cref="Handle"/>) passes through to the wrapped producer,
/// which this instance owns and disposes.</para>
/// </remarks>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
public sealed class TracedProducer<TKey, TValue> : IProducer<TKey, TValue>
{
    private readonly IProducer<TKey, TValue> _inner;
    private readonly MessagingTracer _tracer;
    private readonly KafkaTracingOptions _options;
    private readonly bool _deliveryReports;
    private readonly string _clientId;
    private int _disposed;

    /// <summary>Initializes a new instance of the <see cref="TracedProducer{TKey, TValue}"/> class.</summary>
    /// <param name="inner">The producer to trace; owned by this instance from now on.</param>
    /// <param name="tracer">The application's tracer, whose options (baggage filters, enrichment) apply: the registered one
    /// (<c>services.AddMessagingTracing()</c>), or, without dependency injection, <see cref="MessagingTracer.Default"/> or your own.</param>
    /// <param name="options">The options; defaults when null.</param>
    /// <param name="deliveryReports">
    /// Whether the producer was configured with delivery reports (<c>dotnet.producer.enable.delivery.reports</c>, on by
    /// default). Without them, a span of <see cref="Produce(TopicPartition, Message{TKey, TValue}, Action{DeliveryReport{TKey, TValue}})"/>
    /// ends when the message is queued.
    /// </param>
    public TracedProducer(IProducer<TKey, TValue> inner, MessagingTracer tracer, KafkaTracingOptions? options = null, bool deliveryReports = true)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(tracer);
        _inner = inner;
        _tracer = tracer;
        _options = options?.Clone() ?? new KafkaTracingOptions();
        _deliveryReports = deliveryReports;
        _clientId = _options.ClientId ?? inner.Name;
    }

    /// <inheritdoc/>
    public Handle Handle => _inner.Handle;

    /// <inheritdoc/>
    public string Name => _inner.Name;

    /// <inheritdoc/>
    public Task<DeliveryResult<TKey, TValue>> ProduceAsync(string topic, Message<TKey, TValue> message, CancellationToken cancellationToken = default)
        => ProduceAsync(new TopicPartition(topic, Partition.Any), message, cancellationToken);

    /// <inheritdoc/>
    public Task<DeliveryResult<TKey, TValue>> ProduceAsync(TopicPartition topicPartition, Message<TKey, TValue> message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(topicPartition);
        return message is null || !_options.Traces(topicPartition.Topic)
            ? _inner.ProduceAsync(topicPartition, message!, cancellationToken)
            : ProduceTracedAsync(topicPartition, message, cancellationToken);
    }

    /// <inheritdoc/>
    public void Produce(string topic, Message<TKey, TValue> message, Action<DeliveryReport<TKey, TValue>>? deliveryHandler = null)
        => Produce(new TopicPartition(topic, Partition.Any), message, deliveryHandler);

    /// <inheritdoc/>
    public void Produce(TopicPartition topicPartition, Message<TKey, TValue> message, Action<DeliveryReport<TKey, TValue>>? deliveryHandler = null)
    {
        ArgumentNullException.ThrowIfNull(topicPartition);
        if (message is null || !_options.Traces(topicPartition.Topic))
        {
            _inner.Produce(topicPartition, message!, deliveryHandler);
            return;
        }

        // The span ends on the delivery thread, so it must not stay current for the caller.
        MessagingOperation operation = SendOperation(topicPartition.Topic);
        Activity? previous = Activity.Current;
        Activity? span = StartSend(operation, message);
        Activity.Current = previous;
        Message<TKey, TValue> traced = WithTraceHeaders(message, span);
        MessagingMeasurement measurement = MessagingMeasurement.Start(operation);
        try
        {
            // Wrapped only when there is something to end on delivery: untraced and unmeasured, the handler goes as it is.
            if (_deliveryReports && (span is not null || measurement.IsRecording))
            {
                _inner.Produce(topicPartition, traced, OnDelivered(span, measurement, deliveryHandler));
                return;
            }

            _inner.Produce(topicPartition, traced, deliveryHandler);
        }
        catch (Exception ex)
        {
            KafkaSpanTags.SetError(span, ex);
            span?.StopKeepingCurrent();
            measurement.Complete(KafkaSpanTags.ErrorType(ex));
            throw;
        }

        span?.StopKeepingCurrent();
        measurement.Complete();
    }

    /// <inheritdoc/>
    public int Poll(TimeSpan timeout) => _inner.Poll(timeout);

    /// <inheritdoc/>
    public int Flush(TimeSpan timeout) => _inner.Flush(timeout);

    /// <inheritdoc/>
    public void Flush(CancellationToken cancellationToken = default) => _inner.Flush(cancellationToken);

    /// <inheritdoc/>
    public void InitTransactions(TimeSpan timeout) => _inner.InitTransactions(timeout);

    /// <inheritdoc/>
    public void BeginTransaction() => _inner.BeginTransaction();

    /// <inheritdoc/>
    public void CommitTransaction(TimeSpan timeout) => _inner.CommitTransaction(timeout);

    /// <inheritdoc/>
    public void CommitTransaction() => _inner.CommitTransaction();

    /// <inheritdoc/>
    public void AbortTransaction(TimeSpan timeout) => _inner.AbortTransaction(timeout);

    /// <inheritdoc/>
    public void AbortTransaction() => _inner.AbortTransaction();

    /// <inheritdoc/>
    public void SendOffsetsToTransaction(IEnumerable<TopicPartitionOffset> offsets, IConsumerGroupMetadata groupMetadata, TimeSpan timeout)
        => _inner.SendOffsetsToTransaction(offsets, groupMetadata, timeout);

    /// <inheritdoc/>
    public int AddBrokers(string brokers) => _inner.AddBrokers(brokers);

    /// <inheritdoc/>
    public void SetSaslCredentials(string username, string password) => _inner.SetSaslCredentials(username, password);

    /// <summary>Gets the tracer this producer traces with.</summary>
    internal MessagingTracer Tracer => _tracer;

    /// <summary>Disposes the wrapped producer, once: a later call does nothing (a container may dispose one instance registered as two services).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _inner.Dispose();
        }
    }

    private async Task<DeliveryResult<TKey, TValue>> ProduceTracedAsync(TopicPartition topicPartition, Message<TKey, TValue> message, CancellationToken cancellationToken)
    {
        MessagingOperation operation = SendOperation(topicPartition.Topic);
        Activity? span = StartSend(operation, message);
        Message<TKey, TValue> traced = WithTraceHeaders(message, span);
        MessagingMeasurement measurement = MessagingMeasurement.Start(operation);
        string? errorType = null;
        try
        {
            DeliveryResult<TKey, TValue> result = await _inner.ProduceAsync(topicPartition, traced, cancellationToken).ConfigureAwait(false);
            KafkaSpanTags.SetPosition(span, result.Partition, result.Offset);
            return result;
        }
        catch (Exception ex)
        {
            KafkaSpanTags.SetError(span, ex);
            errorType = KafkaSpanTags.ErrorType(ex);
            throw;
        }
        finally
        {
            // Stopped here rather than by `using`: a listener that throws on stop must not fail a message that went.
            span.StopReportingFaults();
            measurement.Complete(errorType);
        }
    }

    private static MessagingOperation SendOperation(string topic)
        => new(KafkaAttributes.SystemName, MessagingOperationType.Send, "send", topic);

    private Activity? StartSend(in MessagingOperation operation, Message<TKey, TValue> message)
    {
        try
        {
            Activity? span = _tracer.StartProducer(operation, message);
            if (span is { IsAllDataRequested: true })
            {
                span.SetTag(MessagingAttributes.ClientId, _clientId);
                KafkaSpanTags.SetMessage(span, message);
            }

            return span;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            MessagingTracingEventSource.Log.InstrumentationFailed(nameof(TracedProducer<TKey, TValue>), ex);
            return null;
        }
    }

    /// <summary>A copy of the message whose headers carry the trace context; the original is not touched.</summary>
    private Message<TKey, TValue> WithTraceHeaders(Message<TKey, TValue> message, Activity? span)
    {
        try
        {
            var headers = new Headers();
            if (message.Headers is { } original)
            {
                for (int i = 0; i < original.Count; i++)
                {
                    // Confluent's Header is immutable: the copy can share it.
                    IHeader header = original[i];
                    if (header is Header shared)
                    {
                        headers.Add(shared);
                    }
                    else
                    {
                        headers.Add(header.Key, header.GetValueBytes());
                    }
                }
            }

            _tracer.Inject(span, headers, KafkaHeadersCarrierAdapter.Instance);
            return new Message<TKey, TValue> { Key = message.Key, Value = message.Value, Timestamp = message.Timestamp, Headers = headers };
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            MessagingTracingEventSource.Log.InstrumentationFailed(nameof(TracedProducer<TKey, TValue>), ex);
            return message;
        }
    }

    /// <summary>
    /// The delivery handler that ends the span and the measurement. Made here, not in <see cref="Produce(TopicPartition, Message{TKey, TValue}, Action{DeliveryReport{TKey, TValue}}?)"/>:
    /// a lambda there would make the compiler allocate its captured state on every call, wrapped or not.
    /// </summary>
    private static Action<DeliveryReport<TKey, TValue>> OnDelivered(Activity? span, MessagingMeasurement measurement, Action<DeliveryReport<TKey, TValue>>? deliveryHandler)
        => report => OnDelivered(span, measurement, report, deliveryHandler);

    private static void OnDelivered(Activity? span, MessagingMeasurement measurement, DeliveryReport<TKey, TValue> report, Action<DeliveryReport<TKey, TValue>>? deliveryHandler)
    {
        bool failed = report.Error.IsError;
        if (span is not null)
        {
            KafkaSpanTags.SetPosition(span, report.Partition, report.Offset);
            if (failed)
            {
                KafkaSpanTags.SetError(span, new ProduceException<TKey, TValue>(report.Error, report));
            }

            span.StopKeepingCurrent();
        }

        measurement.Complete(failed ? KafkaSpanTags.ErrorType(report.Error) : null);
        deliveryHandler?.Invoke(report);
    }
}
