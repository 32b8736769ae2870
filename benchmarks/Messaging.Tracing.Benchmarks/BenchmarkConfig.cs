using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using Perfolizer.Horology;

namespace Messaging.Tracing.Benchmarks;

/// <summary>
/// The configuration of every benchmark: one job sized for the build machines (2 cores, shared and noisy) — 4 warm-up and
/// 15 measured iterations of about 250 ms each, medians reported — and allocations for every case.
/// </summary>
public static class BenchmarkConfig
{
    private const int WarmupIterations = 4;
    private const int MeasuredIterations = 15;
    private const int IterationMilliseconds = 250;

    /// <summary>Creates the configuration.</summary>
    /// <returns>The configuration.</returns>
    public static IConfig Create() => DefaultConfig.Instance
        .AddJob(Job.Default
            .WithWarmupCount(WarmupIterations)
            .WithIterationCount(MeasuredIterations)
            .WithIterationTime(TimeInterval.FromMilliseconds(IterationMilliseconds))
            .WithLaunchCount(1)
            .AsDefault())
        .AddDiagnoser(MemoryDiagnoser.Default)
        .AddColumn(StatisticColumn.Median)
        .WithSummaryStyle(SummaryStyle.Default.WithRatioStyle(RatioStyle.Trend));
}
