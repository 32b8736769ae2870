using System;

namespace Messaging.Tracing.Redis;

/// <summary>How a <see cref="TracedStreamConsumer"/> reads its consumer group: batch size, waiting, recovery, group creation.</summary>
public sealed class TracedStreamConsumerOptions
{
    /// <summary>Gets or sets the most entries one read (<c>XREADGROUP … COUNT</c>) or one recovery round returns; 10 by default.</summary>
    public int Count { get; set; } = 10;

    /// <summary>
    /// Gets or sets the longest time one <see cref="TracedStreamConsumer.ReadAndProcessAsync"/> waits for new entries when
    /// there are none; 1 second by default. <see cref="TimeSpan.Zero"/> returns at once.
    /// </summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gets or sets a value indicating whether the wait happens on the server (<c>XREADGROUP … BLOCK ms</c>) rather than by
    /// polling. Off by default, because StackExchange.Redis sends every command of a <c>ConnectionMultiplexer</c> over one
    /// connection: while Redis blocks the read, every other command on that multiplexer waits behind it. Turn it on only
    /// with a multiplexer dedicated to this consumer, and keep <see cref="MaxWait"/> well below the multiplexer's timeout
    /// for asynchronous commands (<c>AsyncTimeout</c>, by default <c>SyncTimeout</c>, 5 seconds; a longer block fails with
    /// a timeout). A block is never sent without a bound (<c>BLOCK 0</c> would wait forever): a zero <see cref="MaxWait"/>
    /// reads without <c>BLOCK</c>. StackExchange.Redis has no typed form of <c>XREADGROUP … BLOCK</c>: the read is sent with
    /// <c>ExecuteAsync</c> and its reply parsed on RESP2 and RESP3 connections alike.
    /// </summary>
    public bool BlockOnServer { get; set; }

    /// <summary>
    /// Gets or sets how long the consumer waits between two non-blocking reads that found nothing (within
    /// <see cref="MaxWait"/>, and between rounds of <see cref="TracedStreamConsumer.RunAsync"/>); 100 ms by default.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Gets or sets how long an entry must have been pending — delivered to a consumer of the group and not acknowledged —
    /// before this consumer claims and processes it; 1 minute by default, null turns recovery off. Any consumer's entries
    /// qualify, this one's included, so an entry whose handler failed is retried after this time. Choose it longer than
    /// your handlers ever take: an entry still being handled when it is claimed is processed twice (Redis consumer groups
    /// deliver at least once). Recovery uses <c>XAUTOCLAIM</c> (StackExchange.Redis's <c>StreamAutoClaimAsync</c>), which
    /// needs Redis 6.2 or later.
    /// </summary>
    public TimeSpan? ClaimMinIdleTime { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Gets or sets how often <see cref="TracedStreamConsumer.ReadAndProcessAsync"/> starts a pass over the group's pending
    /// list to recover entries: at the first read, then once per interval; 30 seconds by default. A pass takes one round
    /// per read (each claims up to <see cref="Count"/> entries and examines up to ten times as many, Redis's limit) until it
    /// has reached the end of the list.
    /// </summary>
    public TimeSpan ClaimInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets a value indicating whether the consumer creates its group (and the stream) when missing, with
    /// <c>XGROUP CREATE … MKSTREAM</c>, before its first read; an existing group (<c>BUSYGROUP</c>) is kept as it is.
    /// On by default.
    /// </summary>
    public bool CreateGroup { get; set; } = true;

    /// <summary>
    /// Gets or sets where a group created by the consumer starts reading: <c>$</c> (the default, as Redis's own examples
    /// and Kafka's <c>latest</c>) delivers only entries appended after the group was created; <c>0</c> delivers the whole
    /// stream. Ignored for an existing group.
    /// </summary>
    public string GroupStartId { get; set; } = "$";

    internal TracedStreamConsumerOptions Clone() => (TracedStreamConsumerOptions)MemberwiseClone();

    /// <summary>Throws when a setting is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    /// <exception cref="ArgumentException"><see cref="GroupStartId"/> is empty.</exception>
    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Count, nameof(Count));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxWait, TimeSpan.Zero, nameof(MaxWait));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(PollInterval, TimeSpan.Zero, nameof(PollInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(ClaimInterval, TimeSpan.Zero, nameof(ClaimInterval));
        if (ClaimMinIdleTime is { } minIdle)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(minIdle, TimeSpan.Zero, nameof(ClaimMinIdleTime));
        }

        ArgumentException.ThrowIfNullOrEmpty(GroupStartId, nameof(GroupStartId));
    }
}
