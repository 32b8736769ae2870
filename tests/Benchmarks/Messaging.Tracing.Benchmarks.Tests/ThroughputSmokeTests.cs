using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Messaging.Tracing.Benchmarks.Throughput;
using Xunit;

namespace Messaging.Tracing.Benchmarks.Tests;

/// <summary>
/// Runs the throughput harness with a few messages per transport (one warm-up and one measured round of each mode): every
/// message is handled, traced runs keep the producer's trace in the handler, and the sampled run exports both spans of
/// every message through the batch processor. Needs the test brokers (eng/brokers.sh), as the transport tests
/// do.
/// </summary>
public sealed class ThroughputSmokeTests
{
    private const int Messages = 200;
    private const int Rounds = 1;
    private const int SpansPerMessage = 2;

    [Fact]
    public Task MassTransit_in_memory_runs() => RunAsync(new MassTransitScenario(Messages));

    [Fact]
    public Task Kafka_mock_cluster_runs() => RunAsync(new KafkaScenario(Messages));

    [Fact]
    public Task RabbitMQ_runs() => RunAsync(new RabbitMqScenario(Messages));

    [Fact]
    public Task Redis_Streams_runs() => RunAsync(new RedisStreamsScenario(Messages));

    private static async Task RunAsync(IThroughputScenario scenario)
    {
        await using (scenario)
        {
            using var timeout = new CancellationTokenSource(ThroughputHarness.RunTimeout);
            IReadOnlyDictionary<ThroughputMode, List<RunResult>> results = await ThroughputHarness.MeasureAsync(scenario, Rounds, TextWriter.Null, timeout.Token);

            RunResult off = Assert.Single(results[ThroughputMode.Off]);
            RunResult sampled = Assert.Single(results[ThroughputMode.Sampled]);
            RunResult unsampled = Assert.Single(results[ThroughputMode.Unsampled]);
            Assert.Equal(Messages, off.Messages);
            Assert.Equal(0, off.WithContext);
            Assert.Equal(Messages, sampled.WithContext);
            Assert.Equal(Messages, unsampled.WithContext);
            Assert.Equal(SpansPerMessage * Messages, sampled.ExportedSpans);
            Assert.Equal(0, unsampled.ExportedSpans);
            Assert.True(off.MessagesPerSecond > 0 && off.BytesPerMessage > 0);
        }
    }
}
