using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Messaging.Tracing.Brokers;
using Messaging.Tracing.Testing;
using StackExchange.Redis;

namespace Messaging.Tracing.Redis.Tests;

/// <summary>A unique stream and consumer group, traced consumers on it, and the raw commands tests check the broker with.</summary>
public sealed class RedisTestStream
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public RedisTestStream(RedisBroker broker)
    {
        Broker = broker;
        Name = broker.UniqueStreamName("tracing");
        Group = "group-" + Guid.NewGuid().ToString("N");
    }

    public RedisBroker Broker { get; }

    public IDatabase Database => Broker.Database;

    public string Name { get; }

    public string Group { get; }

    /// <summary>A consumer whose group starts at the beginning of the stream and whose reads wait briefly.</summary>
    public TracedStreamConsumer CreateConsumer(string name = "consumer-1", RedisTracingOptions? options = null, Action<TracedStreamConsumerOptions>? configure = null, IDatabase? database = null)
    {
        var settings = new TracedStreamConsumerOptions { GroupStartId = "0", MaxWait = TimeSpan.FromMilliseconds(100), PollInterval = TimeSpan.FromMilliseconds(20) };
        configure?.Invoke(settings);
        return new TracedStreamConsumer(database ?? Database, Name, Group, name, settings, options: options);
    }

    public Task<string> AppendAsync(params StreamField[] fields) => Database.StreamAddTracedAsync(Name, fields);

    /// <summary>Appends inside a "request" root span, as an application would.</summary>
    public async Task<string> AppendInRequestAsync(SpanCollector collector, params StreamField[] fields)
    {
        using (collector.StartRootSpan("request"))
        {
            return await AppendAsync(fields.Length == 0 ? [new StreamField("order", "1")] : fields);
        }
    }

    /// <summary>Reads and processes until the consumer has handled at least one entry, for at most <see cref="Timeout"/>.</summary>
    public static async Task<IReadOnlyList<StreamMessage>> ProcessNextAsync(TracedStreamConsumer consumer, Func<StreamMessage, CancellationToken, Task> handler)
    {
        IReadOnlyList<StreamMessage> handled = [];
        await Wait.UntilAsync(
            async () =>
            {
                handled = await consumer.ReadAndProcessAsync(handler);
                return handled.Count > 0;
            },
            Timeout,
            $"an entry for consumer {consumer.Name}");
        return handled;
    }

    public static Task<IReadOnlyList<StreamMessage>> ProcessNextAsync(TracedStreamConsumer consumer)
        => ProcessNextAsync(consumer, static (_, _) => Task.CompletedTask);

    /// <summary>Reads new entries for <paramref name="consumer"/> without acknowledging them, as a consumer that then dies.</summary>
    public async Task<IReadOnlyList<RedisStreamEntry>> ReadWithoutAckAsync(string consumer)
    {
        await CreateGroupAsync();
        RedisResult reply = await Database.ExecuteAsync("XREADGROUP", "GROUP", Group, consumer, "COUNT", 100, "STREAMS", Name, ">");
        return RedisStreamEntry.ParseXRead(reply, Name);
    }

    public async Task CreateGroupAsync()
    {
        try
        {
            await Database.ExecuteAsync("XGROUP", "CREATE", Name, Group, "0", "MKSTREAM");
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // Already there.
        }
    }

    /// <summary>The entries pending in the group: (id, consumer, deliveries).</summary>
    public async Task<IReadOnlyList<(string Id, string Consumer, long Deliveries)>> PendingAsync()
    {
        RedisResult reply = await Database.ExecuteAsync("XPENDING", Name, Group, "-", "+", 100);
        var pending = new List<(string, string, long)>();
        foreach (RedisResult row in (RedisResult[])reply!)
        {
            RedisResult[] columns = (RedisResult[])row!;
            pending.Add(((string)columns[0]!, (string)columns[1]!, (long)columns[3]));
        }

        return pending;
    }

    /// <summary>Waits until the entries pending at <paramref name="consumer"/> have been idle at least <paramref name="minIdle"/>.</summary>
    public Task WaitUntilIdleAsync(string consumer, TimeSpan minIdle)
        => Wait.UntilAsync(
            async () =>
            {
                RedisResult reply = await Database.ExecuteAsync("XPENDING", Name, Group, "IDLE", (long)minIdle.TotalMilliseconds, "-", "+", 100, consumer);
                return ((RedisResult[])reply!).Length > 0;
            },
            Timeout,
            $"entries idle {minIdle.TotalMilliseconds} ms at {consumer}");

    public async Task<RedisStreamEntry> ReadRawAsync(string id)
    {
        RedisResult reply = await Database.ExecuteAsync("XRANGE", Name, id, id);
        IReadOnlyList<RedisStreamEntry> entries = RedisStreamEntry.ParseEntries(reply);
        return entries.Count == 1 ? entries[0] : throw new InvalidOperationException($"Entry {id} not found in {Name}.");
    }
}
