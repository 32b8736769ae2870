using StackExchange.Redis;

namespace Messaging.Tracing.Redis;

/// <summary>
/// Parses the raw reply of <c>XREADGROUP … BLOCK</c>, the one stream command StackExchange.Redis has no typed form of (it is
/// sent through <c>IDatabase.ExecuteAsync</c>), into the <see cref="StreamEntry"/> values its typed commands return. Only
/// what StackExchange.Redis 2.6.70 and 3.x share is used (<c>IsNull</c>, <c>Type</c>, the explicit conversions).
/// </summary>
internal static class StreamReplies
{
    /// <summary>
    /// The entries of the one stream an <c>XREADGROUP … STREAMS key &gt;</c> asked for. On RESP2 (2.x's protocol) Redis
    /// replies an array of <c>[key, entries]</c> pairs; on RESP3 (3.x's default) a map <c>{key: entries}</c>, which
    /// StackExchange.Redis flattens to <c>[key, entries]</c>. Nil (the block timed out) gives none. Each entry is
    /// <c>[id, [name, value, …]]</c> in both.
    /// </summary>
    /// <param name="reply">The reply.</param>
    /// <returns>The entries, in stream order; empty when there are none.</returns>
    public static StreamEntry[] ParseReadGroup(RedisResult reply)
    {
        if (reply.IsNull)
        {
            return [];
        }

        RedisResult[] streams = (RedisResult[])reply!;
        if (streams.Length == 0)
        {
            return [];
        }

        RedisResult entries = streams[0].Type == ResultType.MultiBulk
            ? ((RedisResult[])streams[0]!)[1]
            : streams[1];
        return entries.IsNull ? [] : ParseEntries((RedisResult[])entries!);
    }

    /// <summary>Parses <c>[[id, [name, value, …]], …]</c>; an entry without values (nil) keeps its id and gets none.</summary>
    private static StreamEntry[] ParseEntries(RedisResult[] items)
    {
        var entries = new StreamEntry[items.Length];
        for (int i = 0; i < items.Length; i++)
        {
            if (items[i].IsNull)
            {
                entries[i] = StreamEntry.Null;
                continue;
            }

            RedisResult[] pair = (RedisResult[])items[i]!;
            NameValueEntry[] values = [];
            if (pair.Length > 1 && !pair[1].IsNull)
            {
                RedisResult[] flat = (RedisResult[])pair[1]!;
                values = new NameValueEntry[flat.Length / 2];
                for (int j = 0; j < values.Length; j++)
                {
                    values[j] = new NameValueEntry((RedisValue)flat[2 * j], (RedisValue)flat[(2 * j) + 1]);
                }
            }

            entries[i] = new StreamEntry((RedisValue)pair[0], values);
        }

        return entries;
    }
}
