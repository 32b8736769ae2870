using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Confluent.Kafka;
using Messaging.Tracing.Diagnostics;
using Messaging.Tracing.Spans;
using OpenTelemetry.Context.Propagation;

namespace Messaging.Tracing.Kafka;

/// <summary>
/// A Kafka consumer whose handlers run inside a <c>process {topic}</c> span (Consumer kind), related to the
/// producer as the relationship policy says, with <see cref="Activity.Current"/> and <c>Baggage.Current</c>
/// restored for the handler and put back afterwards.
/// </summary>
/// <remarks>
/// <para>The handler-scoped API is <see cref="ConsumeAndProcessAsync(Func{ConsumeResult{TKey, TValue}, CancellationToken, Task}, CancellationToken)"/>,
/// <see cref="ProcessAsync"/> and their batch forms. Handler exceptions are recorded on the span and rethrown; offsets are
/// stored and committed exactly as the application configured (this class never commits or stores an offset).</para>
/// <para>Processing is measured (<see cref="Instruments.MessagingMeasurement"/>), whether or not its span is sampled: each
/// message (or batch) is counted once in <c>messaging.client.consumed.messages</c> when its processing starts, its time in
/// queue is recorded from <see cref="MessageMetadata.Timestamp"/> (<c>messaging_tracing.queue.duration</c>; the oldest
/// message's for a batch; none when the timestamp is <see cref="TimestampType.NotAvailable"/>) and the handler's duration
/// as <c>messaging.process.duration</c>, with <c>messaging.consumer.group.name</c> =
/// <see cref="KafkaTracingOptions.ConsumerGroupName"/>. A failed consume (its <c>receive</c> span) is recorded as one
/// <c>messaging.client.operation.duration</c> with the error code as <c>error.type</c>; it counts no message.</para>
/// <para>Plain <see cref="Consume(CancellationToken)"/> and every other member pass through unchanged, without spans.
/// Like Confluent's <c>Consume</c>, the consume-and-process methods block the calling thread while they wait for a message:
/// run the loop on a dedicated thread or a long-running task.</para>
/// </remarks>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
public sealed class TracedConsumer<TKey, TValue> : IConsumer<TKey, TValue>
{
    private const string ProcessOperation = "process";
    private const string ReceiveOperation = "receive";

    private readonly IConsumer<TKey, TValue> _inner;
    private readonly MessagingTracer _tracer;
    private readonly KafkaTracingOptions _options;
    private readonly string _clientId;
    private int _disposed;

    /// <summary>Initializes a new instance of the <see cref="TracedConsumer{TKey, TValue}"/> class.</summary>
    /// <param name="inner">The consumer to trace; owned by this instance from now on.</param>
    /// <param name="tracer">The application's tracer, whose options (trust, baggage filters, enrichment) apply: the registered
    /// one (<c>services.AddMessagingTracing()</c>), or, without dependency injection, <see cref="MessagingTracer.Default"/> or your own.</param>
    /// <param name="options">The options; defaults when null. Set <see cref="KafkaTracingOptions.ConsumerGroupName"/>
    /// for <c>messaging.consumer.group.name</c>.</param>
    public TracedConsumer(IConsumer<TKey, TValue> inner, MessagingTracer tracer, KafkaTracingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(tracer);
        _inner = inner;
        _tracer = tracer;
        _options = options?.Clone() ?? new KafkaTracingOptions();
        _clientId = _options.ClientId ?? inner.Name;
    }

    /// <inheritdoc/>
    public Handle Handle => _inner.Handle;

    /// <inheritdoc/>
    public string Name => _inner.Name;

    /// <inheritdoc/>
    public string MemberId => _inner.MemberId;

    /// <inheritdoc/>
    public List<TopicPartition> Assignment => _inner.Assignment;

    /// <inheritdoc/>
    public List<string> Subscription => _inner.Subscription;

    /// <inheritdoc/>
    public IConsumerGroupMetadata ConsumerGroupMetadata => _inner.ConsumerGroupMetadata;

    /// <summary>
    /// Consumes one message — waiting until one arrives or <paramref name="cancellationToken"/> is cancelled — and runs
    /// <paramref name="handler"/> inside its process span. Partition EOF events are not messages: they are returned
    /// without running the handler.
    /// </summary>
    /// <param name="handler">The application's handler.</param>
    /// <param name="cancellationToken">Cancels the wait (an <see cref="OperationCanceledException"/>) and is passed to the handler.</param>
    /// <returns>The consume result that was processed (or the EOF event).</returns>
    /// <exception cref="ConsumeException">Consuming failed; recorded on a <c>receive</c> span, then rethrown.</exception>
    public async Task<ConsumeResult<TKey, TValue>> ConsumeAndProcessAsync(Func<ConsumeResult<TKey, TValue>, CancellationToken, Task> handler, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ConsumeResult<TKey, TValue> result;
        try
        {
            result = _inner.Consume(cancellationToken);
        }
        catch (ConsumeException ex)
        {
            RecordFailure(ex);
            throw;
        }

        if (!result.IsPartitionEOF)
        {
            await ProcessAsync(result, handler, relationship: null, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>
    /// Consumes one message, waiting at most <paramref name="timeout"/>, and runs <paramref name="handler"/> inside its
    /// process span.
    /// </summary>
    /// <param name="timeout">How long to wait for a message.</param>
    /// <param name="handler">The application's handler.</param>
    /// <param name="cancellationToken">Passed to the handler.</param>
    /// <returns>The consume result that was processed, the EOF event (not processed), or null when none arrived in time.</returns>
    /// <exception cref="ConsumeException">Consuming failed; recorded on a <c>receive</c> span, then rethrown.</exception>
    public async Task<ConsumeResult<TKey, TValue>?> ConsumeAndProcessAsync(TimeSpan timeout, Func<ConsumeResult<TKey, TValue>, CancellationToken, Task> handler, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ConsumeResult<TKey, TValue>? result;
        try
        {
            result = _inner.Consume(timeout);
        }
        catch (ConsumeException ex)
        {
            RecordFailure(ex);
            throw;
        }

        if (result is { IsPartitionEOF: false })
        {
            await ProcessAsync(result, handler, relationship: null, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>
    /// Runs <paramref name="handler"/> for a message consumed elsewhere, inside its process span, with the producer's
    /// context and baggage current. A handler exception is recorded on the span and rethrown.
    /// </summary>
    /// <param name="result">The consumed message.</param>
    /// <param name="handler">The application's handler.</param>
    /// <param name="relationship">Overrides the relationship for this message; the consumer's setting when null.</param>
    /// <param name="cancellationToken">Passed to the handler.</param>
    /// <returns>A task that completes when the handler has.</returns>
    public async Task ProcessAsync(
        ConsumeResult<TKey, TValue> result,
        Func<ConsumeResult<TKey, TValue>, CancellationToken, Task> handler,
        MessageRelationship? relationship = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(handler);
        ProcessScope? scope = Open(result, relationship, MessagingOperationType.Process);
        try
        {
            await handler(result, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            scope?.RecordException(ex);
            throw;
        }
        finally
        {
            scope?.Dispose();
        }
    }

    /// <summary>
    /// Consumes up to <paramref name="maxMessages"/> messages, or as many as arrive within <paramref name="maxWait"/>, and
    /// runs <paramref name="handler"/> once for them inside one process span that links (<c>follows_from</c>) to every
    /// message's producer and records <c>messaging.batch.message_count</c>. The handler is not called when nothing arrived.
    /// </summary>
    /// <param name="maxMessages">The most messages in one batch.</param>
    /// <param name="maxWait">The longest time to collect the batch.</param>
    /// <param name="handler">The application's handler.</param>
    /// <param name="cancellationToken">Stops collecting (messages collected so far are still processed) and is passed to the handler.</param>
    /// <returns>The messages processed; empty when none arrived.</returns>
    /// <exception cref="ConsumeException">
    /// Consuming failed; recorded on a <c>receive</c> span and rethrown after the messages already consumed were processed,
    /// so none of them is lost.
    /// </exception>
    public async Task<IReadOnlyList<ConsumeResult<TKey, TValue>>> ConsumeBatchAndProcessAsync(
        int maxMessages,
        TimeSpan maxWait,
        Func<IReadOnlyList<ConsumeResult<TKey, TValue>>, CancellationToken, Task> handler,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxMessages);
        ArgumentNullException.ThrowIfNull(handler);
        var batch = new List<ConsumeResult<TKey, TValue>>(Math.Min(maxMessages, 1024));
        ConsumeException? failure = null;
        long deadline = Stopwatch.GetTimestamp() + (long)(maxWait.TotalSeconds * Stopwatch.Frequency);
        try
        {
            while (batch.Count < maxMessages && !cancellationToken.IsCancellationRequested)
            {
                TimeSpan remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
                if (remaining <= TimeSpan.Zero)
                {
                    break;
                }

                ConsumeResult<TKey, TValue>? result = _inner.Consume(remaining);
                if (result is null)
                {
                    break;
                }

                if (!result.IsPartitionEOF)
                {
                    batch.Add(result);
                }
            }
        }
        catch (ConsumeException ex)
        {
            RecordFailure(ex);
            failure = ex;
        }

        if (batch.Count > 0)
        {
            await ProcessBatchAsync(batch, handler, relationship: null, cancellationToken).ConfigureAwait(false);
        }

        if (failure is not null)
        {
            throw failure;
        }

        return batch;
    }

    /// <summary>
    /// Runs <paramref name="handler"/> once for a batch of messages inside one process span linked to every message's
    /// producer. The batch starts a new trace unless <paramref name="relationship"/> or the tracer's
    /// <see cref="MessagingTracingOptions.BatchRelationship"/> says otherwise; the messages' baggage is not restored.
    /// </summary>
    /// <param name="batch">The messages.</param>
    /// <param name="handler">The application's handler.</param>
    /// <param name="relationship">Overrides the batch relationship.</param>
    /// <param name="cancellationToken">Passed to the handler.</param>
    /// <returns>A task that completes when the handler has.</returns>
    public async Task ProcessBatchAsync(
        IReadOnlyList<ConsumeResult<TKey, TValue>> batch,
        Func<IReadOnlyList<ConsumeResult<TKey, TValue>>, CancellationToken, Task> handler,
        MessageRelationship? relationship = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(handler);
        ProcessScope? scope = OpenBatch(batch, relationship);
        try
        {
            await handler(batch, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            scope?.RecordException(ex);
            throw;
        }
        finally
        {
            scope?.Dispose();
        }
    }

    /// <inheritdoc/>
    public ConsumeResult<TKey, TValue> Consume(int millisecondsTimeout) => _inner.Consume(millisecondsTimeout);

    /// <inheritdoc/>
    public ConsumeResult<TKey, TValue> Consume(CancellationToken cancellationToken = default) => _inner.Consume(cancellationToken);

    /// <inheritdoc/>
    public ConsumeResult<TKey, TValue> Consume(TimeSpan timeout) => _inner.Consume(timeout);

    /// <inheritdoc/>
    public void Subscribe(IEnumerable<string> topics) => _inner.Subscribe(topics);

    /// <inheritdoc/>
    public void Subscribe(string topic) => _inner.Subscribe(topic);

    /// <inheritdoc/>
    public void Unsubscribe() => _inner.Unsubscribe();

    /// <inheritdoc/>
    public void Assign(TopicPartition partition) => _inner.Assign(partition);

    /// <inheritdoc/>
    public void Assign(TopicPartitionOffset partition) => _inner.Assign(partition);

    /// <inheritdoc/>
    public void Assign(IEnumerable<TopicPartitionOffset> partitions) => _inner.Assign(partitions);

    /// <inheritdoc/>
    public void Assign(IEnumerable<TopicPartition> partitions) => _inner.Assign(partitions);

    /// <inheritdoc/>
    public void IncrementalAssign(IEnumerable<TopicPartitionOffset> partitions) => _inner.IncrementalAssign(partitions);

    /// <inheritdoc/>
    public void IncrementalAssign(IEnumerable<TopicPartition> partitions) => _inner.IncrementalAssign(partitions);

    /// <inheritdoc/>
    public void IncrementalUnassign(IEnumerable<TopicPartition> partitions) => _inner.IncrementalUnassign(partitions);

    /// <inheritdoc/>
    public void Unassign() => _inner.Unassign();

    /// <inheritdoc/>
    public void StoreOffset(ConsumeResult<TKey, TValue> result) => _inner.StoreOffset(result);

    /// <inheritdoc/>
    public void StoreOffset(TopicPartitionOffset offset) => _inner.StoreOffset(offset);

    /// <inheritdoc/>
    public List<TopicPartitionOffset> Commit() => _inner.Commit();

    /// <inheritdoc/>
    public void Commit(IEnumerable<TopicPartitionOffset> offsets) => _inner.Commit(offsets);

    /// <inheritdoc/>
    public void Commit(ConsumeResult<TKey, TValue> result) => _inner.Commit(result);

    /// <inheritdoc/>
    public void Seek(TopicPartitionOffset tpo) => _inner.Seek(tpo);

    /// <inheritdoc/>
    public void Pause(IEnumerable<TopicPartition> partitions) => _inner.Pause(partitions);

    /// <inheritdoc/>
    public void Resume(IEnumerable<TopicPartition> partitions) => _inner.Resume(partitions);

    /// <inheritdoc/>
    public List<TopicPartitionOffset> Committed(TimeSpan timeout) => _inner.Committed(timeout);

    /// <inheritdoc/>
    public List<TopicPartitionOffset> Committed(IEnumerable<TopicPartition> partitions, TimeSpan timeout) => _inner.Committed(partitions, timeout);

    /// <inheritdoc/>
    public Offset Position(TopicPartition partition) => _inner.Position(partition);

    /// <inheritdoc/>
    public List<TopicPartitionOffset> OffsetsForTimes(IEnumerable<TopicPartitionTimestamp> timestampsToSearch, TimeSpan timeout)
        => _inner.OffsetsForTimes(timestampsToSearch, timeout);

    /// <inheritdoc/>
    public WatermarkOffsets GetWatermarkOffsets(TopicPartition topicPartition) => _inner.GetWatermarkOffsets(topicPartition);

    /// <inheritdoc/>
    public WatermarkOffsets QueryWatermarkOffsets(TopicPartition topicPartition, TimeSpan timeout) => _inner.QueryWatermarkOffsets(topicPartition, timeout);

    /// <inheritdoc/>
    public void Close() => _inner.Close();

    /// <inheritdoc/>
    public int AddBrokers(string brokers) => _inner.AddBrokers(brokers);

    /// <inheritdoc/>
    public void SetSaslCredentials(string username, string password) => _inner.SetSaslCredentials(username, password);

    /// <summary>Gets the tracer this consumer traces with.</summary>
    internal MessagingTracer Tracer => _tracer;

    /// <summary>Disposes the wrapped consumer, once: a later call does nothing (a container may dispose one instance registered as two services).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _inner.Dispose();
        }
    }

    /// <summary>Records a failed consume on a <c>receive</c> span related to the record's producer.</summary>
    private void RecordFailure(ConsumeException exception)
    {
        if (exception.ConsumerRecord is { } record && Open(record, relationship: null, MessagingOperationType.Receive) is { } scope)
        {
            using (scope)
            {
                scope.RecordException(exception, KafkaSpanTags.ErrorType(exception));
            }
        }
    }

    /// <summary>
    /// The message's timestamp as time-in-queue start: the producer's clock for <see cref="TimestampType.CreateTime"/> (the
    /// produce call, or what the application set), the broker's for <see cref="TimestampType.LogAppendTime"/>; null when
    /// not available or out of range.
    /// </summary>
    private static DateTimeOffset? QueuedAt(MessageMetadata? message)
    {
        const long MinMilliseconds = -62_135_596_800_000;
        const long MaxMilliseconds = 253_402_300_799_999;
        if (message is null || message.Timestamp.Type == TimestampType.NotAvailable)
        {
            return null;
        }

        long milliseconds = message.Timestamp.UnixTimestampMs;
        return milliseconds is >= MinMilliseconds and <= MaxMilliseconds ? DateTimeOffset.FromUnixTimeMilliseconds(milliseconds) : null;
    }

    private ProcessScope? Open(ConsumeResult<byte[], byte[]> record, MessageRelationship? relationship, MessagingOperationType type)
        => OpenCore(record.Topic, record.Message?.Headers, record, relationship, type, record.Partition, record.Offset, null, QueuedAt(record.Message));

    private ProcessScope? Open(ConsumeResult<TKey, TValue> result, MessageRelationship? relationship, MessagingOperationType type)
        => OpenCore(result.Topic, result.Message?.Headers, result, relationship, type, result.Partition, result.Offset, result.Message, QueuedAt(result.Message));

    private ProcessScope? OpenCore(
        string topic,
        Headers? headers,
        object message,
        MessageRelationship? relationship,
        MessagingOperationType type,
        Partition partition,
        Offset offset,
        Message<TKey, TValue>? payload,
        DateTimeOffset? queuedAt)
    {
        if (!_options.Traces(topic))
        {
            return null;
        }

        try
        {
            PropagationContext incoming = headers is null ? default : _tracer.Extract(headers, KafkaHeadersCarrierAdapter.Instance);
            var operation = new MessagingOperation(KafkaAttributes.SystemName, type, type == MessagingOperationType.Process ? ProcessOperation : ReceiveOperation, topic)
            {
                ConsumerGroupName = _options.ConsumerGroupName,
                MessageTimestamp = queuedAt,
            };
            ProcessScope scope = _tracer.StartProcess(incoming, operation, relationship ?? _options.Relationship, _options.TrustIncomingContext, message);
            Describe(scope.Activity);
            KafkaSpanTags.SetPosition(scope.Activity, partition, offset);
            KafkaSpanTags.SetMessage(scope.Activity, payload);
            return scope;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            MessagingTracingEventSource.Log.InstrumentationFailed(nameof(TracedConsumer<TKey, TValue>), ex);
            return null;
        }
    }

    private ProcessScope? OpenBatch(IReadOnlyList<ConsumeResult<TKey, TValue>> batch, MessageRelationship? relationship)
    {
        try
        {
            string? topic = null;
            DateTimeOffset? oldest = null;
            var incoming = new PropagationContext[batch.Count];
            for (int i = 0; i < batch.Count; i++)
            {
                ConsumeResult<TKey, TValue> result = batch[i];
                topic = i == 0 || topic == result.Topic ? result.Topic : null;
                if (QueuedAt(result.Message) is { } queuedAt && (oldest is null || queuedAt < oldest))
                {
                    oldest = queuedAt;
                }

                incoming[i] = result.Message?.Headers is { } headers && _options.Traces(result.Topic)
                    ? _tracer.Extract(headers, KafkaHeadersCarrierAdapter.Instance)
                    : default;
            }

            var operation = new MessagingOperation(KafkaAttributes.SystemName, MessagingOperationType.Process, ProcessOperation, topic)
            {
                ConsumerGroupName = _options.ConsumerGroupName,
                MessageTimestamp = oldest,
            };
            ProcessScope scope = _tracer.StartBatchProcess(incoming, operation, relationship, _options.TrustIncomingContext, batch);
            Describe(scope.Activity);
            return scope;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            MessagingTracingEventSource.Log.InstrumentationFailed(nameof(TracedConsumer<TKey, TValue>), ex);
            return null;
        }
    }

    private void Describe(Activity? activity)
    {
        if (activity is not { IsAllDataRequested: true })
        {
            return;
        }

        activity.SetTag(MessagingAttributes.ClientId, _clientId);
        if (_options.ConsumerGroupName is { } group)
        {
            activity.SetTag(MessagingAttributes.ConsumerGroupName, group);
        }
    }
}
