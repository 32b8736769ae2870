using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Messaging.Tracing.Brokers;
using Messaging.Tracing.Testing;
using StackExchange.Redis;

namespace Messaging.Tracing.Redis.Tests;

/// <summary>A unique stream and consumer group, traced consumers on it, and the plain commands tests check the broker with.</summary>
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
        return new TracedStreamConsumer(database ?? Database, MessagingTracer.Default, Name, Group, name, settings, options: options);
    }

    public Task<RedisValue> AppendAsync(params NameValueEntry[] values) => Database.StreamAddTracedAsync(MessagingTracer.Default, Name, values);

    /// <summary>Appends inside a "request" root span, as an application would.</summary>
    public async Task<RedisValue> AppendInRequestAsync(SpanCollector collector, params NameValueEntry[] values)
    {
        using (collector.StartRootSpan("request"))
        {
            return await AppendAsync(values.Length == 0 ? [new NameValueEntry("order", "1")] : values);
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
    public async Task<StreamEntry[]> ReadWithoutAckAsync(string consumer)
    {
        await CreateGroupAsync();
        return await Database.StreamReadGroupAsync(Name, Group, consumer, StreamPosition.NewMessages, 100);
    }

    public async Task CreateGroupAsync()
    {
        try
        {
            await Database.StreamCreateConsumerGroupAsync(Name, Group, StreamPosition.Beginning, createStream: true);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // Already there.
        }
    }

    /// <summary>The entries pending in the group: (id, consumer, deliveries).</summary>
    public async Task<IReadOnlyList<(string Id, string Consumer, long Deliveries)>> PendingAsync()
    {
        StreamPendingMessageInfo[] pending = await Database.StreamPendingMessagesAsync(Name, Group, 100, RedisValue.Null);
        return [.. pending.Select(p => (p.MessageId.ToString(), p.ConsumerName.ToString(), (long)p.DeliveryCount))];
    }

    /// <summary>Waits until every entry pending at <paramref name="consumer"/> has been idle at least <paramref name="minIdle"/>.</summary>
    public Task WaitUntilIdleAsync(string consumer, TimeSpan minIdle)
        => Wait.UntilAsync(
            async () =>
            {
                StreamPendingMessageInfo[] pending = await Database.StreamPendingMessagesAsync(Name, Group, 100, consumer);
                return pending.Length > 0 && pending.All(p => p.IdleTimeInMilliseconds >= minIdle.TotalMilliseconds);
            },
            Timeout,
            $"entries idle {minIdle.TotalMilliseconds} ms at {consumer}");

    public async Task<StreamEntry> ReadRawAsync(RedisValue id)
    {
        StreamEntry[] entries = await Database.StreamRangeAsync(Name, id, id);
        return entries.Length == 1 ? entries[0] : throw new InvalidOperationException($"Entry {id} not found in {Name}.");
    }
}
