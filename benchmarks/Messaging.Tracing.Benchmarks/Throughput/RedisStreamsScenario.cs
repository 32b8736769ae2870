using System;
using System.Collections.Generic;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Messaging.Tracing.Redis;
using StackExchange.Redis;

namespace Messaging.Tracing.Benchmarks.Throughput;

/// <summary>
/// Redis Streams through StackExchange.Redis on the server of <c>REDIS_CONNECTION</c> (loopback by default): append to a
/// fresh stream, up to <see cref="InFlight"/> appends pipelined at a time, read with one consumer of a consumer group on its
/// own multiplexer (<c>XREADGROUP … BLOCK</c>), acknowledge each entry after its handler. Off: StackExchange.Redis's
/// <c>StreamAddAsync</c> and <c>StreamAcknowledgeAsync</c>, and <c>XREADGROUP … BLOCK</c> (which has no typed form) sent with
/// <see cref="IDatabaseAsync.ExecuteAsync(string, object[])"/>; traced: <c>StreamAddTracedAsync</c> and
/// <see cref="TracedStreamConsumer"/>, which send the same commands.
/// </summary>
public sealed class RedisStreamsScenario : IThroughputScenario
{
    private const string DefaultConnection = "localhost:6379";
    private const string Group = "throughput";
    private const string ConsumerName = "consumer-1";
    private const int PayloadSize = 256;
    private const int InFlight = 64;
    private const int ReadCount = 100;
    private static readonly TimeSpan ReadWait = TimeSpan.FromMilliseconds(100);

    private readonly RedisValue _payload = new byte[PayloadSize];
    private ConnectionMultiplexer? _producer;
    private ConnectionMultiplexer? _consumer;
    private int _streams;

    /// <summary>Initializes a new instance of the <see cref="RedisStreamsScenario"/> class.</summary>
    /// <param name="messages">Messages per measured run.</param>
    public RedisStreamsScenario(int messages) => Messages = messages;

    /// <inheritdoc/>
    public string Name => "Redis Streams (StackExchange.Redis 3.4, loopback server)";

    /// <inheritdoc/>
    public int Messages { get; }

    /// <inheritdoc/>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        string configuration = Environment.GetEnvironmentVariable("REDIS_CONNECTION") ?? DefaultConnection;
        ConfigurationOptions options = ConfigurationOptions.Parse(configuration);
        foreach (EndPoint endPoint in options.EndPoints)
        {
            if (!IsLoopback(endPoint))
            {
                throw new InvalidOperationException($"The throughput harness only uses loopback brokers; REDIS_CONNECTION names {endPoint}.");
            }
        }

        // Blocking reads hold their connection: the consumer gets a multiplexer of its own.
        _producer = await ConnectionMultiplexer.ConnectAsync(configuration);
        _consumer = await ConnectionMultiplexer.ConnectAsync(configuration);
    }

    /// <inheritdoc/>
    public async Task<RunResult> RunAsync(ThroughputMode mode, TracingSession session, int messages, CancellationToken cancellationToken)
    {
        IDatabase producer = _producer?.GetDatabase() ?? throw new InvalidOperationException("Not initialized.");
        IDatabase consumer = _consumer!.GetDatabase();
        bool traced = mode != ThroughputMode.Off;
        string stream = $"throughput-{Interlocked.Increment(ref _streams)}-{Guid.NewGuid():N}";
        await producer.StreamCreateConsumerGroupAsync(stream, Group, StreamPosition.Beginning, createStream: true);
        try
        {
            var meter = new RunMeter(messages);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            meter.Start(session);
            Task reading = traced ? ReadTracedAsync(consumer, stream, meter, stop.Token) : ReadPlainAsync(consumer, stream, meter, stop.Token);
            try
            {
                await AppendAllAsync(producer, stream, messages, traced);
                await meter.AllHandled.WaitAsync(cancellationToken);
                return meter.Stop(session);
            }
            finally
            {
                // The reading loop ends when `stop` is cancelled: cancelled on every way out, a failed run included.
                await stop.CancelAsync();
                await reading;
            }
        }
        finally
        {
            await producer.KeyDeleteAsync(stream);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_producer is not null)
        {
            await _producer.CloseAsync();
            _producer.Dispose();
        }

        if (_consumer is not null)
        {
            await _consumer.CloseAsync();
            _consumer.Dispose();
        }
    }

    private static bool IsLoopback(EndPoint endPoint) => endPoint switch
    {
        DnsEndPoint dns => string.Equals(dns.Host, "localhost", StringComparison.OrdinalIgnoreCase),
        IPEndPoint ip => IPAddress.IsLoopback(ip.Address),
        _ => false,
    };

    private async Task AppendAllAsync(IDatabase database, string stream, int messages, bool traced)
    {
        NameValueEntry[] values = [new NameValueEntry("type", "order"), new NameValueEntry("body", _payload)];
        var pending = new List<Task>(InFlight);
        for (int i = 0; i < messages; i++)
        {
            pending.Add(traced
                ? database.StreamAddTracedAsync(MessagingTracer.Default, stream, values)
                : database.StreamAddAsync(stream, values));
            if (pending.Count == InFlight)
            {
                await Task.WhenAll(pending);
                pending.Clear();
            }
        }

        await Task.WhenAll(pending);
    }

    private static async Task ReadTracedAsync(IDatabase database, string stream, RunMeter meter, CancellationToken cancellationToken)
    {
        var settings = new TracedStreamConsumerOptions { Count = ReadCount, BlockOnServer = true, MaxWait = ReadWait, CreateGroup = false, ClaimMinIdleTime = null };
        var reader = new TracedStreamConsumer(database, MessagingTracer.Default, stream, Group, ConsumerName, settings);
        Func<StreamMessage, CancellationToken, Task> handler = (_, _) =>
        {
            meter.Observed();
            return Task.CompletedTask;
        };
        while (!cancellationToken.IsCancellationRequested)
        {
            // Each entry is acknowledged inside its process span: it is finished when ReadAndProcessAsync returns it.
            IReadOnlyList<StreamMessage> handled = await reader.ReadAndProcessAsync(handler, CancellationToken.None);
            meter.Finished(handled.Count);
        }
    }

    private static async Task ReadPlainAsync(IDatabase database, string stream, RunMeter meter, CancellationToken cancellationToken)
    {
        object[] read = ["GROUP", Group, ConsumerName, "COUNT", ReadCount, "BLOCK", (long)ReadWait.TotalMilliseconds, "STREAMS", stream, ">"];
        while (!cancellationToken.IsCancellationRequested)
        {
            RedisResult reply = await database.ExecuteAsync("XREADGROUP", read);
            if (reply.IsNull)
            {
                continue;
            }

            // RESP2: [[stream, entries]]; RESP3 (StackExchange.Redis 3.x's default): the map {stream: entries}, which
            // StackExchange.Redis flattens to [stream, entries]. Each entry is [id, [name, value, …]].
            var streams = (RedisResult[])reply!;
            var entries = (RedisResult[])(streams.Length == 1 ? ((RedisResult[])streams[0]!)[1] : streams[1])!;
            foreach (RedisResult entry in entries)
            {
                var id = (RedisValue)((RedisResult[])entry!)[0];
                meter.Observed();
                await database.StreamAcknowledgeAsync(stream, Group, id);
                meter.Finished(1);
            }
        }
    }
}
