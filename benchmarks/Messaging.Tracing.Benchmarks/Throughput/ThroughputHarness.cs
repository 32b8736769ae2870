using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Messaging.Tracing.Benchmarks.Throughput;

/// <summary>
/// End-to-end throughput on each transport, untraced against traced (sampled, exported through a batch processor) against
/// traced but unsampled, in one process and one run: every round runs each mode once (the order rotating per round), and
/// the report gives the median of the rounds and its ratio to the untraced median.
/// </summary>
/// <remarks>
/// Usage: <c>throughput [--transports kafka,rabbitmq,redis,masstransit,marten] [--rounds 7] [--scale 1.0] [--output file.md]</c>.
/// A warm-up round of a tenth of the messages runs first and is not reported. Every run is bounded
/// (<see cref="RunTimeout"/>), and so is the whole harness (<see cref="HarnessTimeout"/>).
/// </remarks>
public static class ThroughputHarness
{
    /// <summary>The longest one run may take.</summary>
    public static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(2);

    /// <summary>The longest the whole harness may take.</summary>
    public static readonly TimeSpan HarnessTimeout = TimeSpan.FromMinutes(15);

    // Sized so that a run lasts about a second on the build machines (the mock cluster moves 150-350k messages a second):
    // shorter runs are mostly noise on a shared 2-core machine.
    private const int DefaultRounds = 7;
    private const int KafkaMessages = 150_000;
    private const int RabbitMqMessages = 50_000;
    private const int MassTransitMessages = 50_000;
    private const int RedisMessages = 30_000;
    private const int MartenEvents = 20_000;
    private const int WarmUpDivisor = 10;
    private const double MicrosecondsPerSecond = 1e6;

    private static readonly ThroughputMode[] Modes = [ThroughputMode.Off, ThroughputMode.Sampled, ThroughputMode.Unsampled];

    /// <summary>Runs the harness with command-line arguments.</summary>
    /// <param name="args">The arguments after <c>throughput</c>.</param>
    /// <returns>The process exit code.</returns>
    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        string transports = Option(args, "--transports") ?? "kafka,rabbitmq,redis,masstransit,marten";
        int rounds = int.Parse(Option(args, "--rounds") ?? DefaultRounds.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        double scale = double.Parse(Option(args, "--scale") ?? "1", CultureInfo.InvariantCulture);
        string? output = Option(args, "--output");

        using var harness = new CancellationTokenSource(HarnessTimeout);
        var report = new StringBuilder();
        foreach (string transport in transports.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            await using IThroughputScenario scenario = Create(transport, scale);
            IReadOnlyDictionary<ThroughputMode, List<RunResult>> results = await MeasureAsync(scenario, rounds, Console.Out, harness.Token);
            report.Append(Format(scenario, rounds, results));
        }

        Console.WriteLine();
        Console.WriteLine(report);
        if (output is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
            await File.WriteAllTextAsync(output, report.ToString());
        }

        return 0;
    }

    /// <summary>Runs the warm-up round and <paramref name="rounds"/> measured rounds of every mode.</summary>
    /// <param name="scenario">The transport.</param>
    /// <param name="rounds">Measured rounds.</param>
    /// <param name="log">Where each run is logged.</param>
    /// <param name="cancellationToken">Bounds the whole measurement.</param>
    /// <returns>The measured runs of each mode.</returns>
    public static async Task<IReadOnlyDictionary<ThroughputMode, List<RunResult>>> MeasureAsync(
        IThroughputScenario scenario,
        int rounds,
        TextWriter log,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(log);
        await scenario.InitializeAsync(cancellationToken);
        var results = Modes.ToDictionary(mode => mode, _ => new List<RunResult>());
        for (int round = -1; round < rounds; round++)
        {
            bool warmUp = round < 0;
            int messages = warmUp ? Math.Max(1, scenario.Messages / WarmUpDivisor) : scenario.Messages;
            for (int i = 0; i < Modes.Length; i++)
            {
                ThroughputMode mode = Modes[(i + Math.Max(round, 0)) % Modes.Length];
                using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                run.CancelAfter(RunTimeout);
                RunResult result;
                using (TracingSession session = TracingSession.Start(mode))
                {
                    result = await scenario.RunAsync(mode, session, messages, run.Token);
                }

                await log.WriteLineAsync(string.Create(
                    CultureInfo.InvariantCulture,
                    $"[{scenario.Name}] {(warmUp ? "warm-up" : $"round {round + 1}")} {mode,-9} {result.Messages} msgs in {result.Elapsed.TotalMilliseconds:0} ms: {result.MessagesPerSecond:0} msg/s, {result.BytesPerMessage:0} B/msg, {result.WithContext} in a trace, {result.ExportedSpans} spans exported"));
                if (!warmUp)
                {
                    results[mode].Add(result);
                }
            }
        }

        return results;
    }

    private static IThroughputScenario Create(string transport, double scale) => transport.ToUpperInvariant() switch
    {
        "KAFKA" => new KafkaScenario(Scaled(KafkaMessages, scale)),
        "RABBITMQ" => new RabbitMqScenario(Scaled(RabbitMqMessages, scale)),
        "REDIS" => new RedisStreamsScenario(Scaled(RedisMessages, scale)),
        "MASSTRANSIT" => new MassTransitScenario(Scaled(MassTransitMessages, scale)),
        "MARTEN" => new MartenDaemonScenario(Scaled(MartenEvents, scale)),
        _ => throw new ArgumentException($"Unknown transport '{transport}': kafka, rabbitmq, redis, masstransit or marten.", nameof(transport)),
    };

    private static int Scaled(int messages, double scale) => Math.Max(1, (int)(messages * scale));

    private static string Format(IThroughputScenario scenario, int rounds, IReadOnlyDictionary<ThroughputMode, List<RunResult>> results)
    {
        double offMedian = Median(results[ThroughputMode.Off].Select(r => r.MessagesPerSecond));
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"### {scenario.Name}: {scenario.Messages:N0} messages a run, median of {rounds} rounds\n\n");
        text.Append("| mode | msg/s (median) | min – max | ratio to off | time added per message | allocated per message | spans exported per message | handled inside the producer's trace |\n");
        text.Append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        foreach (ThroughputMode mode in Modes)
        {
            List<RunResult> runs = results[mode];
            double median = Median(runs.Select(r => r.MessagesPerSecond));
            double addedMicroseconds = (MicrosecondsPerSecond / median) - (MicrosecondsPerSecond / offMedian);
            text.Append(CultureInfo.InvariantCulture, $"| {mode} | {median:N0} | {runs.Min(r => r.MessagesPerSecond):N0} – {runs.Max(r => r.MessagesPerSecond):N0} | {median / offMedian:P1} | {addedMicroseconds:0.00} µs | {Median(runs.Select(r => r.BytesPerMessage)):N0} B | {Median(runs.Select(r => (double)r.ExportedSpans / r.Messages)):0.##} | {Median(runs.Select(r => (double)r.WithContext / r.Messages)):P0} |\n");
        }

        return text.Append('\n').ToString();
    }

    private static double Median(IEnumerable<double> values)
    {
        double[] sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
            : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string? Option(string[] args, string name)
    {
        int index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
