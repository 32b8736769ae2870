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
/// entries (StackExchange.Redis's <c>StreamReadGroupAsync</c>: <c>XREADGROUP GROUP g c COUNT n STREAMS s &gt;</c>), waiting
/// at most <see cref="TracedStreamConsumerOptions.MaxWait"/> for them — by polling, or with <c>BLOCK</c> when
/// <see cref="TracedStreamConsumerOptions.BlockOnServer"/> is on (see there why that needs a dedicated multiplexer).
/// <see cref="RunAsync"/> repeats it until cancelled. The group (and the stream) is created first when missing
/// (<c>StreamCreateConsumerGroupAsync</c> with <c>createStream</c>; an existing group is kept).</para>
/// <para><b>Recovery.</b> Entries pending longer than <see cref="TracedStreamConsumerOptions.ClaimMinIdleTime"/> at any
/// consumer of the group are claimed and processed before new ones, with <c>StreamAutoClaimAsync</c>
/// (<c>XAUTOCLAIM s g c ms cursor COUNT n</c>): its own idle check lets exactly one of several competing consumers win each
/// entry. The consumer keeps Redis's cursor from one round to the next, so a pass visits the group's whole pending list
/// in order — rounds follow one another at once while a pass is under way, and a new pass starts every
/// <see cref="TracedStreamConsumerOptions.ClaimInterval"/>. <c>XAUTOCLAIM</c> does not report delivery counts: they are read
/// right after the claim with one <c>StreamPendingMessagesAsync</c> (<c>XPENDING s g id id 1</c>) per claimed entry, sent
/// together (one round trip). A recovered entry is <see cref="StreamMessage.IsClaimed"/>, carries its exact
/// <see cref="StreamMessage.DeliveryCount"/> (<c>messaging.redis.message.delivery_count</c> on the span), and by default
/// starts a new trace linked (<c>follows_from</c>) to its producer (<see cref="RedisTracingOptions.ReclaimedRelationship"/>):
/// it is delayed, redelivered work. An entry deleted from the stream (<c>XDEL</c>, trimming) while pending has nothing left
/// to process and is never handed to the handler: Redis 7.0 and later drop it from the pending list
/// (<c>StreamAutoClaimResult.DeletedIds</c>); Redis 6.2 returns it without id or values, so it is skipped at every pass
/// and stays in Redis 6.2's pending list. Recovery needs Redis 6.2 or later.</para>
/// <para><b>Failures.</b> A handler exception is recorded on the entry's span (exception event, <c>error.type</c>, status
/// Error), the entry is not acknowledged — it stays pending and is recovered after the minimum idle time — and the
/// remaining entries already received in the same call are still processed; then the first exception is rethrown to the
/// caller of <see cref="ReadAndProcessAsync"/> (or <see cref="RunAsync"/>, which stops). A failed <c>XACK</c> counts as a
/// failure of its entry. A group that has gone (<c>NOGROUP</c>: the stream or the group was deleted) is created again when
/// <see cref="TracedStreamConsumerOptions.CreateGroup"/> is on. Faults of the tracing itself are reported through
/// self-diagnostics and the entry is handled without a span.</para>
/// <para><b>Cancellation.</b> The token is checked before each read and before each entry and passed to the handler;
/// waiting ends when it is cancelled (an <see cref="OperationCanceledException"/>, except from <see cref="RunAsync"/>,
/// which returns). Entries received but not yet handed to the handler stay pending and are recovered later. A read with
/// <c>BLOCK</c> cannot be interrupted; it ends within <see cref="TracedStreamConsumerOptions.MaxWait"/>.</para>
/// <para>One instance reads from one flow at a time; for parallelism, create several consumers (distinct names). Works with
/// StackExchange.Redis 2.6.70 and later, 3.x included, on RESP2 and RESP3 connections.</para>
/// </remarks>
public sealed class TracedStreamConsumer
{
    private const string ProcessOperation = "process";
    private const string BusyGroupError = "BUSYGROUP";
    private const string NoGroupError = "NOGROUP";

    /// <summary>Where a pass over the pending list starts, and the cursor <c>XAUTOCLAIM</c> returns when it has reached the end.</summary>
    private static readonly RedisValue StartOfPendingList = "0-0";

    private readonly IDatabase _database;
    private readonly RedisKey _streamKey;
    private readonly RedisValue _group;
    private readonly RedisValue _name;
    private readonly string _clientId;
    private readonly TracedStreamConsumerOptions _settings;
    private readonly RedisTracingOptions _options;
    private readonly MessagingTracer _tracer;
    private readonly bool _traced;
    private readonly object[]? _blockingRead;
    private readonly MessagingOperation _operation;
    private bool _groupReady;
    private long _nextClaim;
    private RedisValue _claimCursor = StartOfPendingList;

    /// <summary>Initializes a new instance of the <see cref="TracedStreamConsumer"/> class.</summary>
    /// <param name="database">The database (with <see cref="TracedStreamConsumerOptions.BlockOnServer"/>, of a multiplexer dedicated to this consumer).</param>
    /// <param name="tracer">The application's tracer, whose options (baggage filters, enrichment) apply: the registered one
    /// (<c>services.AddMessagingTracing()</c>, injected where the consumer is made), or, without dependency injection,
    /// <see cref="MessagingTracer.Default"/> or your own.</param>
    /// <param name="stream">The stream key.</param>
    /// <param name="group">The consumer group (<c>messaging.consumer.group.name</c>).</param>
    /// <param name="consumer">This consumer's name in the group, unique among its live consumers (<c>messaging.client.id</c> unless the options name another).</param>
    /// <param name="settings">How to read; copied; defaults when null.</param>
    /// <param name="options">The tracing options; copied; defaults when null.</param>
    /// <exception cref="ArgumentException">A name is null or empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public TracedStreamConsumer(
        IDatabase database,
        MessagingTracer tracer,
        RedisKey stream,
        string group,
        string consumer,
        TracedStreamConsumerOptions? settings = null,
        RedisTracingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(tracer);
        string? streamName = stream;
        ArgumentException.ThrowIfNullOrEmpty(streamName, nameof(stream));
        ArgumentException.ThrowIfNullOrEmpty(group);
        ArgumentException.ThrowIfNullOrEmpty(consumer);
        _settings = settings?.Clone() ?? new TracedStreamConsumerOptions();
        _settings.Validate();
        _options = options?.Clone() ?? new RedisTracingOptions();
        _options.Validate();
        _database = database;
        _tracer = tracer;
        _streamKey = stream;
        _group = group;
        _name = consumer;
        Stream = streamName;
        Group = group;
        Name = consumer;
        _clientId = _options.ClientId ?? consumer;
        _traced = _options.TracesStream(streamName);
        _operation = new MessagingOperation(RedisAttributes.SystemName, MessagingOperationType.Process, ProcessOperation, streamName) { ConsumerGroupName = group };

        // XREADGROUP … BLOCK has no typed form in StackExchange.Redis: built once, sent with ExecuteAsync.
        if (_settings.BlockOnServer && _settings.MaxWait > TimeSpan.Zero)
        {
            _blockingRead = ["GROUP", group, consumer, "COUNT", _settings.Count, "BLOCK", Milliseconds(_settings.MaxWait), "STREAMS", _streamKey, ">"];
        }
    }

    /// <summary>Gets the stream key.</summary>
    public string Stream { get; }

    /// <summary>Gets the consumer group.</summary>
    public string Group { get; }

    /// <summary>Gets this consumer's name in the group.</summary>
    public string Name { get; }

    /// <summary>
    /// Creates the consumer group, and the stream when missing (<c>StreamCreateConsumerGroupAsync</c> at
    /// <see cref="TracedStreamConsumerOptions.GroupStartId"/> with <c>createStream</c>: <c>XGROUP CREATE s g id MKSTREAM</c>).
    /// The read methods call it before their first read when <see cref="TracedStreamConsumerOptions.CreateGroup"/> is on.
    /// </summary>
    /// <returns><see langword="true"/> when the group was created; <see langword="false"/> when it existed (<c>BUSYGROUP</c>).</returns>
    public async Task<bool> EnsureGroupAsync()
    {
        try
        {
            await _database.StreamCreateConsumerGroupAsync(_streamKey, _group, _settings.GroupStartId, createStream: true).ConfigureAwait(false);
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

            // The next round follows at once while a pass over the pending list is under way.
            _nextClaim = _claimCursor != StartOfPendingList
                ? 0
                : Stopwatch.GetTimestamp() + (long)(_settings.ClaimInterval.TotalSeconds * Stopwatch.Frequency);
            await ProcessAllAsync(claimed, handler, handled, cancellationToken).ConfigureAwait(false);
        }

        List<StreamMessage>? received = await ReadNewAsync(wait: handled.Count == 0, cancellationToken).ConfigureAwait(false);
        await ProcessAllAsync(received, handler, handled, cancellationToken).ConfigureAwait(false);
        return handled;
    }

    /// <summary>
    /// Runs one recovery round now, whatever the claim interval: claims the entries pending longer than
    /// <see cref="TracedStreamConsumerOptions.ClaimMinIdleTime"/> at any consumer of the group (at most
    /// <see cref="TracedStreamConsumerOptions.Count"/>, continuing the pass over the pending list where the last round left
    /// it) and processes them as <see cref="ReadAndProcessAsync"/> does. For applications that schedule recovery themselves.
    /// </summary>
    /// <param name="handler">The application's handler.</param>
    /// <param name="cancellationToken">Stops processing, and is passed to the handler.</param>
    /// <returns>The entries handed to the handler; empty when none was due (or recovery is off).</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="RedisException">A command failed (on Redis before 6.2, <c>XAUTOCLAIM</c> is an unknown command).</exception>
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
            await _database.StreamAcknowledgeAsync(_streamKey, _group, message.Id).ConfigureAwait(false);
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
        bool block = wait && _blockingRead is not null;
        TimeSpan maxWait = wait ? _settings.MaxWait : TimeSpan.Zero;
        long deadline = Stopwatch.GetTimestamp() + (long)(maxWait.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            StreamEntry[] entries = await ReadGroupAsync(block).ConfigureAwait(false);
            TimeSpan remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
            if (entries.Length > 0 || _settings.BlockOnServer || remaining <= TimeSpan.Zero)
            {
                return Received(entries);
            }

            await Task.Delay(remaining < _settings.PollInterval ? remaining : _settings.PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary><c>XREADGROUP</c>; when the group has gone (<c>NOGROUP</c>: the stream or group was deleted) and the consumer creates groups, it is created again and the read repeated once.</summary>
    private async Task<StreamEntry[]> ReadGroupAsync(bool block)
    {
        try
        {
            return await ReadGroupOnceAsync(block).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (_settings.CreateGroup && ex.Message.StartsWith(NoGroupError, StringComparison.Ordinal))
        {
            await EnsureGroupAsync().ConfigureAwait(false);
            return await ReadGroupOnceAsync(block).ConfigureAwait(false);
        }
    }

    private async Task<StreamEntry[]> ReadGroupOnceAsync(bool block) => block
        ? StreamReplies.ParseReadGroup(await _database.ExecuteAsync("XREADGROUP", _blockingRead!).ConfigureAwait(false))
        : await _database.StreamReadGroupAsync(_streamKey, _group, _name, StreamPosition.NewMessages, _settings.Count).ConfigureAwait(false);

    /// <summary>New entries as messages: delivered once, now.</summary>
    private List<StreamMessage>? Received(StreamEntry[] entries)
    {
        entries = WithValues(entries);
        if (entries.Length == 0)
        {
            return null;
        }

        var messages = new List<StreamMessage>(entries.Length);
        foreach (StreamEntry entry in entries)
        {
            messages.Add(StreamMessage.Received(Stream, entry, deliveryCount: 1, isClaimed: false));
        }

        return messages;
    }

    /// <summary>
    /// One recovery round: claims up to Count entries idle for at least the minimum time from the cursor on
    /// (<c>XAUTOCLAIM</c>), keeps the cursor for the next round, and reads the claimed entries' delivery counts.
    /// </summary>
    private async Task<List<StreamMessage>?> ClaimAsync()
    {
        long minIdle = (long)_settings.ClaimMinIdleTime.GetValueOrDefault().TotalMilliseconds;
        StreamAutoClaimResult result;
        try
        {
            result = await _database.StreamAutoClaimAsync(_streamKey, _group, _name, minIdle, _claimCursor, _settings.Count).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (_settings.CreateGroup && ex.Message.StartsWith(NoGroupError, StringComparison.Ordinal))
        {
            // The group has gone: created again, it has nothing pending.
            _claimCursor = StartOfPendingList;
            await EnsureGroupAsync().ConfigureAwait(false);
            return null;
        }

        // Redis answers 0-0 when the pass has reached the end of the pending list; the next pass starts there again.
        _claimCursor = result.NextStartId.IsNullOrEmpty ? StartOfPendingList : result.NextStartId;
        StreamEntry[] claimed = WithValues(result.ClaimedEntries);
        if (claimed.Length == 0)
        {
            return null;
        }

        // XAUTOCLAIM counted the claim as a delivery but does not report the counts: one XPENDING per entry, sent together.
        var pending = new Task<StreamPendingMessageInfo[]>[claimed.Length];
        for (int i = 0; i < claimed.Length; i++)
        {
            RedisValue id = claimed[i].Id;
            pending[i] = _database.StreamPendingMessagesAsync(_streamKey, _group, 1, RedisValue.Null, id, id);
        }

        StreamPendingMessageInfo[][] rows = await Task.WhenAll(pending).ConfigureAwait(false);
        var messages = new List<StreamMessage>(claimed.Length);
        for (int i = 0; i < claimed.Length; i++)
        {
            // No row: acknowledged since, by a consumer that claimed it again (possible only with a zero minimum idle
            // time); it was delivered before and claimed, so at least twice.
            long deliveryCount = rows[i].Length == 1 ? rows[i][0].DeliveryCount : 2;
            messages.Add(StreamMessage.Received(Stream, claimed[i], deliveryCount, isClaimed: true));
        }

        return messages;
    }

    /// <summary>
    /// The entries that hold values, in order. An entry deleted from the stream (<c>XDEL</c>, trimming) while pending has
    /// nothing left to process: Redis 7.0 and later drop it from the pending list when <c>XAUTOCLAIM</c> meets it and report
    /// its id in <see cref="StreamAutoClaimResult.DeletedIds"/>, but Redis 6.2 claims it and returns it as nil (for
    /// StackExchange.Redis, an entry without id or values), so it is skipped — it stays in Redis 6.2's pending list.
    /// </summary>
    /// <param name="entries">The entries StackExchange.Redis returned; null counts as none.</param>
    /// <returns>The entries with values: <paramref name="entries"/> itself when all have.</returns>
    internal static StreamEntry[] WithValues(StreamEntry[]? entries)
    {
        if (entries is null)
        {
            return [];
        }

        int kept = 0;
        foreach (StreamEntry entry in entries)
        {
            kept += HasValues(entry) ? 1 : 0;
        }

        if (kept == entries.Length)
        {
            return entries;
        }

        var withValues = new StreamEntry[kept];
        kept = 0;
        foreach (StreamEntry entry in entries)
        {
            if (HasValues(entry))
            {
                withValues[kept++] = entry;
            }
        }

        return withValues;
    }

    private static bool HasValues(StreamEntry entry) => !entry.Id.IsNullOrEmpty && entry.Values is { Length: > 0 };

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
            PropagationContext incoming = _tracer.Extract(message.Carrier, NameValueEntriesCarrierAdapter.Instance);
            MessageRelationship? policy = relationship
                ?? _options.Select(message)
                ?? (message.IsClaimed ? _options.ReclaimedRelationship : _options.Relationship);
            scope = _tracer.StartProcess(incoming, _operation with { MessageTimestamp = StoredAt(message.Id) }, policy, _options.TrustIncomingContext, message);
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

    /// <summary>
    /// When the server stored the entry, by its clock: the milliseconds part of an id <c>&lt;ms&gt;-&lt;seq&gt;</c>. Null for any
    /// other id; an id the producer chose (rather than <c>*</c>) may be anything, so only the form is trusted.
    /// </summary>
    internal static DateTimeOffset? StoredAt(RedisValue id)
    {
        const long MaxMilliseconds = 253_402_300_799_999;

        // An id read from Redis is held as bytes: read in place, nothing allocated.
        ReadOnlySpan<byte> text = ((ReadOnlyMemory<byte>)id).Span;
        long milliseconds = 0;
        int i = 0;
        for (; i < text.Length && text[i] != (byte)'-'; i++)
        {
            uint digit = (uint)(text[i] - '0');
            if (digit > 9 || milliseconds > MaxMilliseconds)
            {
                return null;
            }

            milliseconds = (milliseconds * 10) + digit;
        }

        // At least one digit on each side of the dash, and nothing but digits after it.
        if (i == 0 || i >= text.Length - 1 || milliseconds > MaxMilliseconds)
        {
            return null;
        }

        for (i++; i < text.Length; i++)
        {
            if ((uint)(text[i] - '0') > 9)
            {
                return null;
            }
        }

        return DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
    }

    private void Describe(Activity? activity, StreamMessage message)
    {
        if (activity is not { IsAllDataRequested: true })
        {
            return;
        }

        activity.SetTag(MessagingAttributes.ConsumerGroupName, Group);
        activity.SetTag(MessagingAttributes.ClientId, _clientId);
        activity.SetTag(MessagingAttributes.MessageId, message.Id.ToString());
        activity.SetTag(RedisAttributes.DeliveryCount, message.DeliveryCount);
    }
}
