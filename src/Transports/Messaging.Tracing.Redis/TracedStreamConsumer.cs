using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using Messaging.Tracing.Diagnostics;
using Messaging.Tracing.Spans;
using OpenTelemetry.Context.Propagation;
using StackExchange.Redis;

namespace Messaging.Tracing.Redis;

/// <summary>
/// One consumer of a Redis stream consumer group whose handlers run inside a <c>process {stream}</c> span (Consumer kind),
/// related to the entry's producer as the relationship policy says, with <see cref="Activity.Current"/> and
/// <c>Baggage.Current</c> restored for the handler and put back afterwards. Entries are acknowledged (<c>XACK</c>) only after
/// their handler succeeded, and entries left pending by a consumer that died are recovered.
/// </summary>
/// <remarks>
/// <para><b>Reading.</b> <see cref="ReadAndProcessAsync"/> reads up to <see cref="TracedStreamConsumerOptions.Count"/> new
/// entries (<c>XREADGROUP GROUP g c COUNT n STREAMS s &gt;</c>), waiting at most <see cref="TracedStreamConsumerOptions.MaxWait"/>
/// for them — by polling, or with <c>BLOCK</c> when <see cref="TracedStreamConsumerOptions.BlockOnServer"/> is on (see there
/// why that needs a dedicated multiplexer). <see cref="RunAsync"/> repeats it until cancelled. The group (and the stream)
/// is created first when missing (<c>XGROUP CREATE … MKSTREAM</c>; an existing group is kept).</para>
/// <para><b>Recovery.</b> Every <see cref="TracedStreamConsumerOptions.ClaimInterval"/>, entries pending longer than
/// <see cref="TracedStreamConsumerOptions.ClaimMinIdleTime"/> at any consumer of the group are claimed and processed before
/// new ones: <c>XPENDING s g IDLE ms - + n</c> lists them with their delivery counts, <c>XCLAIM s g c ms id …</c> takes them
/// (its own idle check lets exactly one of several competing consumers win each entry). That pair, rather than
/// <c>XAUTOCLAIM</c>, is used because <c>XAUTOCLAIM</c> does not report delivery counts; both need Redis 6.2 or later.
/// A recovered entry is <see cref="StreamMessage.IsClaimed"/>, carries its <see cref="StreamMessage.DeliveryCount"/>
/// (<c>messaging.redis.message.delivery_count</c> on the span), and by default starts a new trace linked
/// (<c>follows_from</c>) to its producer (<see cref="RedisTracingOptions.ReclaimedRelationship"/>): it is delayed,
/// redelivered work.</para>
/// <para><b>Failures.</b> A handler exception is recorded on the entry's span (exception event, <c>error.type</c>, status
/// Error), the entry is not acknowledged — it stays pending and is recovered after the minimum idle time — and the
/// remaining entries already received in the same call are still processed; then the first exception is rethrown to the
/// caller of <see cref="ReadAndProcessAsync"/> (or <see cref="RunAsync"/>, which stops). A failed <c>XACK</c> counts as a
/// failure of its entry. Faults of the tracing itself are reported through self-diagnostics and the entry is handled
/// without a span.</para>
/// <para><b>Cancellation.</b> The token is checked before each read and before each entry and passed to the handler;
/// waiting ends when it is cancelled (an <see cref="OperationCanceledException"/>, except from <see cref="RunAsync"/>,
/// which returns). Entries received but not yet handed to the handler stay pending and are recovered later. A read with
/// <c>BLOCK</c> cannot be interrupted; it ends within <see cref="TracedStreamConsumerOptions.MaxWait"/>.</para>
/// <para>One instance reads from one flow at a time; for parallelism, create several consumers (distinct names). Works with
/// StackExchange.Redis 1.2.6 and 2.x (below 3.0), through <c>IDatabase.ExecuteAsync</c> only.</para>
/// </remarks>
public sealed class TracedStreamConsumer
{
    private const string ProcessOperation = "process";
    private const string BusyGroupError = "BUSYGROUP";
    private const string NoGroupError = "NOGROUP";

    private readonly IDatabase _database;
    private readonly object _streamKey;
    private readonly string _clientId;
    private readonly TracedStreamConsumerOptions _settings;
    private readonly RedisTracingOptions _options;
    private readonly MessagingTracer _tracer;
    private readonly bool _traced;
    private readonly object[] _readArgs;
    private readonly object[] _readNowArgs;
    private readonly MessagingOperation _operation;
    private bool _groupReady;
    private long _nextClaim;

    /// <summary>Initializes a new instance of the <see cref="TracedStreamConsumer"/> class.</summary>
    /// <param name="database">The database (with <see cref="TracedStreamConsumerOptions.BlockOnServer"/>, of a multiplexer dedicated to this consumer).</param>
    /// <param name="stream">The stream key.</param>
    /// <param name="group">The consumer group (<c>messaging.consumer.group.name</c>).</param>
    /// <param name="consumer">This consumer's name in the group, unique among its live consumers (<c>messaging.client.id</c> unless the options name another).</param>
    /// <param name="settings">How to read; copied; defaults when null.</param>
    /// <param name="tracer">The tracer; <see cref="MessagingTracer.Default"/> when null.</param>
    /// <param name="options">The tracing options; copied; defaults when null.</param>
    /// <exception cref="ArgumentException">A name is null or empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public TracedStreamConsumer(
        IDatabase database,
        RedisKey stream,
        string group,
        string consumer,
        TracedStreamConsumerOptions? settings = null,
        MessagingTracer? tracer = null,
        RedisTracingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        string? streamName = stream;
        ArgumentException.ThrowIfNullOrEmpty(streamName, nameof(stream));
        ArgumentException.ThrowIfNullOrEmpty(group);
        ArgumentException.ThrowIfNullOrEmpty(consumer);
        _settings = settings?.Clone() ?? new TracedStreamConsumerOptions();
        _settings.Validate();
        _options = options?.Clone() ?? new RedisTracingOptions();
        _options.Validate();
        _database = database;
        _tracer = tracer ?? MessagingTracer.Default;
        _streamKey = stream;
        Stream = streamName;
        Group = group;
        Name = consumer;
        _clientId = _options.ClientId ?? consumer;
        _traced = _options.TracesStream(streamName);
        _operation = new MessagingOperation(RedisAttributes.SystemName, MessagingOperationType.Process, ProcessOperation, streamName);

        // Built once: the reads of a consumer differ only in whether they block.
        _readNowArgs = ["GROUP", group, consumer, "COUNT", _settings.Count, "STREAMS", _streamKey, ">"];
        _readArgs = _settings.BlockOnServer && _settings.MaxWait > TimeSpan.Zero
            ? ["GROUP", group, consumer, "COUNT", _settings.Count, "BLOCK", Milliseconds(_settings.MaxWait), "STREAMS", _streamKey, ">"]
            : _readNowArgs;
    }

    /// <summary>Gets the stream key.</summary>
    public string Stream { get; }

    /// <summary>Gets the consumer group.</summary>
    public string Group { get; }

    /// <summary>Gets this consumer's name in the group.</summary>
    public string Name { get; }

    /// <summary>
    /// Creates the consumer group, and the stream when missing (<c>XGROUP CREATE s g {GroupStartId} MKSTREAM</c>). The read
    /// methods call it before their first read when <see cref="TracedStreamConsumerOptions.CreateGroup"/> is on.
    /// </summary>
    /// <returns><see langword="true"/> when the group was created; <see langword="false"/> when it existed (<c>BUSYGROUP</c>).</returns>
    public async Task<bool> EnsureGroupAsync()
    {
        try
        {
            await _database.ExecuteAsync("XGROUP", "CREATE", _streamKey, Group, _settings.GroupStartId, "MKSTREAM").ConfigureAwait(false);
            _groupReady = true;
            return true;
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith(BusyGroupError, StringComparison.Ordinal))
        {
            _groupReady = true;
            return false;
        }
    }

    /// <summary>
    /// Recovers pending entries when due (see <see cref="TracedStreamConsumerOptions.ClaimInterval"/>), then reads up to
    /// <see cref="TracedStreamConsumerOptions.Count"/> new entries — waiting at most <see cref="TracedStreamConsumerOptions.MaxWait"/>
    /// when there are none and nothing was recovered — and runs <paramref name="handler"/> for each, in stream order,
    /// inside its process span; each entry is acknowledged after its handler succeeded.
    /// </summary>
    /// <param name="handler">The application's handler.</param>
    /// <param name="cancellationToken">Stops waiting and reading, and is passed to the handler.</param>
    /// <returns>The entries handed to the handler (recovered ones first); empty when there were none.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="RedisException">A command failed (a lost connection, a server error).</exception>
    /// <remarks>A handler's exception is rethrown after the other entries received were processed; see the class remarks.</remarks>
    public async Task<IReadOnlyList<StreamMessage>> ReadAndProcessAsync(Func<StreamMessage, CancellationToken, Task> handler, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        cancellationToken.ThrowIfCancellationRequested();
        await PrepareAsync().ConfigureAwait(false);

        var handled = new List<StreamMessage>();
        if (_settings.ClaimMinIdleTime is not null && Stopwatch.GetTimestamp() >= _nextClaim)
        {
            List<StreamMessage>? claimed = await ClaimAsync().ConfigureAwait(false);
            _nextClaim = claimed is not null && claimed.Count >= _settings.Count
                ? 0
                : Stopwatch.GetTimestamp() + (long)(_settings.ClaimInterval.TotalSeconds * Stopwatch.Frequency);
            await ProcessAllAsync(claimed, handler, handled, cancellationToken).ConfigureAwait(false);
        }

        List<StreamMessage>? received = await ReadNewAsync(wait: handled.Count == 0, cancellationToken).ConfigureAwait(false);
        await ProcessAllAsync(received, handler, handled, cancellationToken).ConfigureAwait(false);
        return handled;
    }

    /// <summary>
    /// Claims the entries pending longer than <see cref="TracedStreamConsumerOptions.ClaimMinIdleTime"/> at any consumer of the
    /// group (at most <see cref="TracedStreamConsumerOptions.Count"/>) and processes them as <see cref="ReadAndProcessAsync"/>
    /// does, now, whatever the claim interval. For applications that schedule recovery themselves.
    /// </summary>
    /// <param name="handler">The application's handler.</param>
    /// <param name="cancellationToken">Stops processing, and is passed to the handler.</param>
    /// <returns>The entries handed to the handler; empty when none was due (or recovery is off).</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="RedisException">A command failed (on Redis before 6.2, <c>XPENDING … IDLE</c> is a syntax error).</exception>
    public async Task<IReadOnlyList<StreamMessage>> ClaimAndProcessAsync(Func<StreamMessage, CancellationToken, Task> handler, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        cancellationToken.ThrowIfCancellationRequested();
        var handled = new List<StreamMessage>();
        if (_settings.ClaimMinIdleTime is null)
        {
            return handled;
        }

        await PrepareAsync().ConfigureAwait(false);
        await ProcessAllAsync(await ClaimAsync().ConfigureAwait(false), handler, handled, cancellationToken).ConfigureAwait(false);
        return handled;
    }

    /// <summary>
    /// Runs <paramref name="handler"/> for one entry of this consumer's group inside its process span, with the producer's
    /// context and baggage current, and acknowledges the entry (<c>XACK</c>) when the handler succeeded. A handler exception
    /// is recorded on the span and rethrown; the entry then stays pending.
    /// </summary>
    /// <param name="message">The entry, as read by this consumer (or built for an entry read elsewhere from the same group).</param>
    /// <param name="handler">The application's handler.</param>
    /// <param name="relationship">Overrides the relationship for this entry; otherwise the selector, then the options decide.</param>
    /// <param name="cancellationToken">Passed to the handler.</param>
    /// <returns>A task that completes when the entry has been handled and acknowledged.</returns>
    /// <exception cref="ArgumentException">The message is from another stream.</exception>
    public async Task ProcessAsync(
        StreamMessage message,
        Func<StreamMessage, CancellationToken, Task> handler,
        MessageRelationship? relationship = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(handler);
        if (!string.Equals(message.Stream, Stream, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The entry is from stream '{message.Stream}', not from this consumer's '{Stream}'.", nameof(message));
        }

        ProcessScope? scope = Open(message, relationship);
        try
        {
            await handler(message, cancellationToken).ConfigureAwait(false);
            await _database.ExecuteAsync("XACK", _streamKey, Group, message.Id).ConfigureAwait(false);
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
    /// Reads and processes entries (<see cref="ReadAndProcessAsync"/>) until <paramref name="cancellationToken"/> is
    /// cancelled, waiting <see cref="TracedStreamConsumerOptions.PollInterval"/> between rounds that found nothing without
    /// waiting. Returns when cancelled; a handler's exception (or a Redis failure) ends it and is rethrown — catch inside the
    /// handler to keep going past a failing entry, which then stays pending and is recovered later.
    /// </summary>
    /// <param name="handler">The application's handler.</param>
    /// <param name="cancellationToken">Ends the loop; passed to the handler.</param>
    /// <returns>A task that completes when the loop has ended.</returns>
    public async Task RunAsync(Func<StreamMessage, CancellationToken, Task> handler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handler);
        bool waitsInRead = _settings.MaxWait > TimeSpan.Zero;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                IReadOnlyList<StreamMessage> handled = await ReadAndProcessAsync(handler, cancellationToken).ConfigureAwait(false);
                if (handled.Count == 0 && !waitsInRead)
                {
                    await Task.Delay(_settings.PollInterval, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Cancellation is how the loop ends.
        }
    }

    private static long Milliseconds(TimeSpan time) => Math.Max(1, (long)Math.Ceiling(time.TotalMilliseconds));

    private async Task PrepareAsync()
    {
        if (!_groupReady && _settings.CreateGroup)
        {
            await EnsureGroupAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Reads new entries; polls (or blocks on the server) up to MaxWait when <paramref name="wait"/> and there are none.</summary>
    private async Task<List<StreamMessage>?> ReadNewAsync(bool wait, CancellationToken cancellationToken)
    {
        TimeSpan maxWait = wait ? _settings.MaxWait : TimeSpan.Zero;
        object[] args = wait ? _readArgs : _readNowArgs;
        long deadline = Stopwatch.GetTimestamp() + (long)(maxWait.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            List<StreamMessage>? received = StreamReplies.ParseRead(await ReadGroupAsync(args).ConfigureAwait(false), Stream);
            TimeSpan remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
            if (received is not null || _settings.BlockOnServer || remaining <= TimeSpan.Zero)
            {
                return received;
            }

            await Task.Delay(remaining < _settings.PollInterval ? remaining : _settings.PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary><c>XREADGROUP</c>; when the group has gone (<c>NOGROUP</c>: the stream or group was deleted) and the consumer creates groups, it is created again and the read repeated once.</summary>
    private async Task<RedisResult> ReadGroupAsync(object[] args)
    {
        try
        {
            return await _database.ExecuteAsync("XREADGROUP", args).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (_settings.CreateGroup && ex.Message.StartsWith(NoGroupError, StringComparison.Ordinal))
        {
            await EnsureGroupAsync().ConfigureAwait(false);
            return await _database.ExecuteAsync("XREADGROUP", args).ConfigureAwait(false);
        }
    }

    /// <summary>Lists entries idle for at least the minimum time (with their delivery counts) and claims them for this consumer.</summary>
    private async Task<List<StreamMessage>?> ClaimAsync()
    {
        long minIdle = (long)_settings.ClaimMinIdleTime.GetValueOrDefault().TotalMilliseconds;
        RedisResult pendingReply = await _database.ExecuteAsync("XPENDING", _streamKey, Group, "IDLE", minIdle, "-", "+", _settings.Count).ConfigureAwait(false);
        List<PendingEntry>? pending = StreamReplies.ParsePending(pendingReply);
        if (pending is null)
        {
            return null;
        }

        var args = new object[4 + pending.Count];
        args[0] = _streamKey;
        args[1] = Group;
        args[2] = Name;
        args[3] = minIdle;
        for (int i = 0; i < pending.Count; i++)
        {
            args[4 + i] = pending[i].Id;
        }

        RedisResult claimedReply = await _database.ExecuteAsync("XCLAIM", args).ConfigureAwait(false);
        var deleted = new List<string>(0);
        List<StreamMessage>? claimed = StreamReplies.ParseEntries(claimedReply, Stream, pending, deleted);
        if (deleted.Count > 0)
        {
            // Entries trimmed or deleted from the stream while pending (Redis before 7.0 keeps them in the pending list):
            // nothing is left to process, so they are acknowledged rather than claimed again every round.
            var ack = new object[2 + deleted.Count];
            ack[0] = _streamKey;
            ack[1] = Group;
            for (int i = 0; i < deleted.Count; i++)
            {
                ack[2 + i] = deleted[i];
            }

            await _database.ExecuteAsync("XACK", ack).ConfigureAwait(false);
        }

        return claimed;
    }

    /// <summary>Processes the entries in order; a handler failure is kept and rethrown after the others were processed.</summary>
    private async Task ProcessAllAsync(List<StreamMessage>? messages, Func<StreamMessage, CancellationToken, Task> handler, List<StreamMessage> handled, CancellationToken cancellationToken)
    {
        if (messages is null)
        {
            return;
        }

        ExceptionDispatchInfo? failure = null;
        foreach (StreamMessage message in messages)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                break;
            }

            handled.Add(message);
            try
            {
                await ProcessAsync(message, handler, relationship: null, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                failure ??= ExceptionDispatchInfo.Capture(ex);
            }
        }

        failure?.Throw();
        cancellationToken.ThrowIfCancellationRequested();
    }

    private ProcessScope? Open(StreamMessage message, MessageRelationship? relationship)
    {
        if (!_traced)
        {
            return null;
        }

        ProcessScope? scope = null;
        try
        {
            PropagationContext incoming = _tracer.Extract(message.Carrier, StreamFieldsCarrierAdapter.Instance);
            MessageRelationship? policy = relationship
                ?? _options.Select(message)
                ?? (message.IsClaimed ? _options.ReclaimedRelationship : _options.Relationship);
            scope = _tracer.StartProcess(incoming, _operation, policy, _options.TrustIncomingContext, message);
            Describe(scope.Activity, message);
            return scope;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            MessagingTracingEventSource.Log.InstrumentationFailed(nameof(TracedStreamConsumer), ex);
            scope?.Dispose();
            return null;
        }
    }

    private void Describe(Activity? activity, StreamMessage message)
    {
        if (activity is not { IsAllDataRequested: true })
        {
            return;
        }

        activity.SetTag(MessagingAttributes.ConsumerGroupName, Group);
        activity.SetTag(MessagingAttributes.ClientId, _clientId);
        activity.SetTag(MessagingAttributes.MessageId, message.Id);
        activity.SetTag(RedisAttributes.DeliveryCount, message.DeliveryCount);
    }
}
