using System.Collections.Generic;
using StackExchange.Redis;

namespace Messaging.Tracing.Redis;

/// <summary>
/// Parses the raw replies of the stream commands. StackExchange.Redis 1.2.6 has no stream API, so commands go through
/// <c>IDatabase.ExecuteAsync</c> and come back as <see cref="RedisResult"/> trees; only the conversions 1.2.6 and 2.x share
/// are used (<c>IsNull</c>, and the explicit casts to <see cref="RedisResult"/>[], <see cref="string"/>,
/// <see cref="RedisValue"/> and <see cref="long"/>).
/// </summary>
internal static class StreamReplies
{
    /// <summary>
    /// The entries of the one stream an <c>XREADGROUP … STREAMS key id</c> asked for. RESP2 replies
    /// <c>[[key, entries]]</c>; a RESP3 connection (2.x with <c>protocol=resp3</c>) replies a map, which StackExchange.Redis
    /// flattens to <c>[key, entries]</c>. A nil reply (nothing new) gives none.
    /// </summary>
    public static List<StreamMessage>? ParseRead(RedisResult? reply, string stream)
    {
        if (reply is null || reply.IsNull)
        {
            return null;
        }

        RedisResult[] streams = (RedisResult[])reply!;
        RedisResult? entries = streams.Length switch
        {
            1 => ((RedisResult[])streams[0]!)[1],
            2 => streams[1],
            _ => null,
        };
        return entries is null ? null : ParseEntries(entries, stream, pending: null, deleted: null);
    }

    /// <summary>
    /// Parses <c>[[id, [name, value, …]], …]</c> (XREADGROUP, XCLAIM). An entry deleted from the stream while it was pending
    /// comes back without fields (or as nil): its id goes to <paramref name="deleted"/>.
    /// </summary>
    /// <param name="entries">The entries.</param>
    /// <param name="stream">The stream key, for the messages.</param>
    /// <param name="pending">For claimed entries: the delivery counts <c>XPENDING</c> reported, by id (the claim adds one).</param>
    /// <param name="deleted">Receives the ids of deleted entries; null to ignore them.</param>
    public static List<StreamMessage>? ParseEntries(RedisResult? entries, string stream, List<PendingEntry>? pending, List<string>? deleted)
    {
        if (entries is null || entries.IsNull)
        {
            return null;
        }

        RedisResult[] items = (RedisResult[])entries!;
        if (items.Length == 0)
        {
            return null;
        }

        var messages = new List<StreamMessage>(items.Length);
        foreach (RedisResult item in items)
        {
            if (item is null || item.IsNull)
            {
                continue;
            }

            RedisResult[] pair = (RedisResult[])item!;
            string id = (string)pair[0]!;
            if (pair.Length < 2 || pair[1].IsNull)
            {
                deleted?.Add(id);
                continue;
            }

            RedisResult[] flat = (RedisResult[])pair[1]!;
            var fields = new StreamField[flat.Length / 2];
            for (int i = 0; i < fields.Length; i++)
            {
                fields[i] = new StreamField((RedisValue)flat[2 * i], (RedisValue)flat[(2 * i) + 1]);
            }

            long deliveryCount = 1;
            if (pending is not null)
            {
                deliveryCount = DeliveryCountAfterClaim(pending, id);
            }

            messages.Add(new StreamMessage(stream, id, fields, deliveryCount, isClaimed: pending is not null));
        }

        return messages;
    }

    /// <summary>Parses an extended <c>XPENDING</c> reply: <c>[[id, consumer, idle ms, deliveries], …]</c>.</summary>
    public static List<PendingEntry>? ParsePending(RedisResult? reply)
    {
        if (reply is null || reply.IsNull)
        {
            return null;
        }

        RedisResult[] items = (RedisResult[])reply!;
        if (items.Length == 0)
        {
            return null;
        }

        var pending = new List<PendingEntry>(items.Length);
        foreach (RedisResult item in items)
        {
            RedisResult[] row = (RedisResult[])item!;
            pending.Add(new PendingEntry((string)row[0]!, (long)row[3]));
        }

        return pending;
    }

    /// <summary>XCLAIM counts the claim as a delivery: the count <c>XPENDING</c> reported plus one.</summary>
    private static long DeliveryCountAfterClaim(List<PendingEntry> pending, string id)
    {
        // A claim round is at most Count entries: a linear search beats building a dictionary.
        foreach (PendingEntry entry in pending)
        {
            if (entry.Id == id)
            {
                return entry.DeliveryCount + 1;
            }
        }

        // Not reached (XCLAIM returns only ids it was given); a claimed entry was delivered at least once before.
        return 2;
    }
}
