using System;
using System.Collections.Generic;
using StackExchange.Redis;

namespace Messaging.Tracing.Brokers;

/// <summary>
/// One Redis stream entry: its id and its field/value pairs, in order, with byte values exactly as
/// stored. StackExchange.Redis 1.2.6 has no stream API, so entries are parsed from the raw replies
/// of <c>XREAD</c> and <c>XRANGE</c> (sent through <c>IDatabase.ExecuteAsync</c>).
/// </summary>
public sealed class RedisStreamEntry
{
    /// <summary>Creates an entry.</summary>
    /// <param name="id">The entry id (<c>1700000000000-0</c>).</param>
    /// <param name="fields">The field/value pairs in stream order.</param>
    public RedisStreamEntry(string id, IReadOnlyList<KeyValuePair<string, byte[]>> fields)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(fields);
        Id = id;
        Fields = fields;
    }

    /// <summary>The entry id.</summary>
    public string Id { get; }

    /// <summary>The field/value pairs in stream order (a field may repeat).</summary>
    public IReadOnlyList<KeyValuePair<string, byte[]>> Fields { get; }

    /// <summary>Finds the first value of <paramref name="field"/>.</summary>
    /// <param name="field">The field name (case-sensitive, as Redis is).</param>
    /// <param name="value">The value's bytes, or <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when the entry has the field.</returns>
    public bool TryGetField(string field, out byte[]? value)
    {
        foreach (KeyValuePair<string, byte[]> pair in Fields)
        {
            if (string.Equals(pair.Key, field, StringComparison.Ordinal))
            {
                value = pair.Value;
                return true;
            }
        }

        value = null;
        return false;
    }

    /// <summary>
    /// Parses an <c>XRANGE</c> reply, or the entries of one stream in an <c>XREAD</c> reply:
    /// <c>[[id, [field, value, …]], …]</c>.
    /// </summary>
    /// <param name="entries">The reply.</param>
    /// <returns>The entries; empty for a null reply.</returns>
    public static IReadOnlyList<RedisStreamEntry> ParseEntries(RedisResult entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.IsNull)
        {
            return [];
        }

        RedisResult[] items = (RedisResult[])entries!;
        var result = new List<RedisStreamEntry>(items.Length);
        foreach (RedisResult item in items)
        {
            RedisResult[] pair = (RedisResult[])item!;
            RedisResult[] flat = (RedisResult[])pair[1]!;
            var fields = new List<KeyValuePair<string, byte[]>>(flat.Length / 2);
            for (int i = 0; i + 1 < flat.Length; i += 2)
            {
                fields.Add(new KeyValuePair<string, byte[]>((string)flat[i]!, (byte[])flat[i + 1]!));
            }

            result.Add(new RedisStreamEntry((string)pair[0]!, fields));
        }

        return result;
    }

    /// <summary>
    /// Parses the entries of <paramref name="stream"/> from an <c>XREAD</c> reply:
    /// <c>[[stream, [[id, [field, value, …]], …]], …]</c>.
    /// </summary>
    /// <param name="reply">The reply; null (no new entries before the block timeout) gives none.</param>
    /// <param name="stream">The stream whose entries to return.</param>
    /// <returns>The stream's entries.</returns>
    public static IReadOnlyList<RedisStreamEntry> ParseXRead(RedisResult reply, string stream)
    {
        ArgumentNullException.ThrowIfNull(reply);
        if (reply.IsNull)
        {
            return [];
        }

        foreach (RedisResult streamReply in (RedisResult[])reply!)
        {
            RedisResult[] pair = (RedisResult[])streamReply!;
            if (string.Equals((string)pair[0]!, stream, StringComparison.Ordinal))
            {
                return ParseEntries(pair[1]);
            }
        }

        return [];
    }
}
