using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Messaging.Tracing.Benchmarks.Infrastructure;
using Messaging.Tracing.Benchmarks.Marten;
using Messaging.Tracing.Benchmarks.Throughput;
using Messaging.Tracing.Spans;
using Xunit;

namespace Messaging.Tracing.Benchmarks.Tests;

/// <summary>
/// Runs the Marten cases once on the local PostgreSQL (eng/brokers.sh, or <c>POSTGRES_CONNECTION</c>) and checks that they
/// measure what they say: each save stores its events (the traced store with a <c>traceparent</c> on every event when a
/// listener samples, none when nobody listens), the cases without the database run the traced paths (one append span a
/// save, one live process span per event), and the daemon scenario handles every stored event, in a process span of its
/// own when traced.
/// </summary>
public sealed class MartenSmokeTests
{
    private const int DaemonEvents = 250;
    private const int Rounds = 1;

    [Theory]
    [InlineData(1, ListenerState.Sampled)]
    [InlineData(10, ListenerState.Sampled)]
    [InlineData(10, ListenerState.NoListener)]
    public async Task Marten_append_cases_store_their_events(int events, ListenerState listener)
    {
        var benchmark = new MartenAppendBenchmarks { Events = events, Listener = listener };
        await benchmark.GlobalSetup();
        try
        {
            await benchmark.Untraced_Save();
            await benchmark.Traced_Save();
            await benchmark.Traced_Save();

            Assert.Equal((events, 0L), await BenchmarkPostgres.CountEventsAsync(benchmark.UntracedStore));
            Assert.Equal((2L * events, listener == ListenerState.Sampled ? 2L * events : 0L), await BenchmarkPostgres.CountEventsAsync(benchmark.TracedStore));
        }
        finally
        {
            await benchmark.GlobalCleanup();
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    public async Task Marten_instrumentation_cases_trace_the_save_and_every_event(int events)
    {
        var ended = new ConcurrentQueue<Activity>();
        using var spans = new ActivityListener
        {
            ShouldListenTo = source => source.Name == MessagingActivitySource.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = ended.Enqueue,
        };
        ActivitySource.AddActivityListener(spans);
        var benchmark = new MartenInstrumentationBenchmarks { Events = events, Listener = ListenerState.Sampled };
        benchmark.GlobalSetup();
        try
        {
            await benchmark.Traced_Append();
            await benchmark.Traced_Process();
        }
        finally
        {
            benchmark.GlobalCleanup();
        }

        Assert.Single(ended, span => span.Kind == ActivityKind.Producer);
        // Live: each process span is parented on the append span its event's traceparent names.
        Assert.Equal(events, ended.Count(span => span.Kind == ActivityKind.Consumer && span.ParentSpanId == SampleContext.Context.SpanId));
    }

    [Fact]
    public async Task Marten_daemon_scenario_handles_every_stored_event()
    {
        await using var scenario = new MartenDaemonScenario(DaemonEvents);
        using var timeout = new CancellationTokenSource(ThroughputHarness.RunTimeout);
        IReadOnlyDictionary<ThroughputMode, List<RunResult>> results = await ThroughputHarness.MeasureAsync(scenario, Rounds, TextWriter.Null, timeout.Token);

        RunResult off = Assert.Single(results[ThroughputMode.Off]);
        RunResult sampled = Assert.Single(results[ThroughputMode.Sampled]);
        RunResult unsampled = Assert.Single(results[ThroughputMode.Unsampled]);
        Assert.Equal(DaemonEvents, off.Messages);
        Assert.Equal(0, off.WithContext);
        Assert.Equal(0, off.ExportedSpans);
        Assert.Equal(DaemonEvents, sampled.WithContext);
        Assert.Equal(DaemonEvents, unsampled.WithContext);
        // One process span per event; the append spans ended before the clock started and are not counted.
        Assert.Equal(DaemonEvents, sampled.ExportedSpans);
        Assert.Equal(0, unsampled.ExportedSpans);
    }
}
