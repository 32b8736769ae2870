using System.Collections.Generic;
using System.Diagnostics;
using System.Threading.Tasks;
using Messaging.Tracing.Brokers;
using Messaging.Tracing.Redis;
using StackExchange.Redis;

namespace Messaging.Tracing.Reliability.Tests.Faults;

/// <summary>Redis Streams: <c>StreamAddTracedAsync</c> and a <see cref="TracedStreamConsumer"/> on the shared server.</summary>
/// <param name="broker">The server.</param>
public sealed class RedisFaultDriver(RedisBroker broker) : IFaultDriver
{
    /// <summary>Entries per read.</summary>
    private const int ReadCount = 100;

    /// <inheritdoc/>
    public string Transport => "redis";

    /// <inheritdoc/>
    public async Task<FaultRun> RunAsync(InjectedFault fault, IReadOnlyList<TestMessage> messages, string poisonId)
    {
        string stream = broker.UniqueStreamName("faults");
        var options = new RedisTracingOptions { StreamFilter = fault.Filter, RelationshipSelector = fault.SelectRelationship };
        IDatabase database = broker.Database;
        var appends = new List<Task<RedisValue>>(messages.Count);
        foreach (TestMessage message in messages)
        {
            appends.Add(database.StreamAddTracedAsync(fault.Tracer, stream, [new NameValueEntry("id", message.Id), new NameValueEntry("body", message.Payload)], options: options));
        }

        await Task.WhenAll(appends);

        var run = new FaultRun();
        var consumer = new TracedStreamConsumer(
            database,
            fault.Tracer,
            stream,
            "faults",
            "c1",
            new TracedStreamConsumerOptions { GroupStartId = "0", Count = ReadCount, MaxWait = System.TimeSpan.FromMilliseconds(200) },
            options);
        var deadline = Stopwatch.StartNew();
        while (run.Received.Count < messages.Count && deadline.Elapsed < FaultToleranceTests.RunTimeout)
        {
            try
            {
                await consumer.ReadAndProcessAsync((entry, _) =>
                {
                    entry.TryGetValue("id", out RedisValue id);
                    entry.TryGetValue("body", out RedisValue body);
                    run.Handle(id.ToString(), (byte[])body!, poisonId);
                    return Task.CompletedTask;
                });
            }
            catch (ApplicationFaultException)
            {
                run.Surfaced();
            }
        }

        return run;
    }
}
