using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using EventSourcing.Api;
using EventSourcing.Commands;
using EventSourcing.EventStore;
using EventSourcing.Projections;
using EventSourcing.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace EventSourcing.Scenario;

/// <summary>
/// The scripted scenario the embedded default runs through the sample's own HTTP API: two bands, reviews until the
/// process manager features one, the read model, a replay of the review-stats projection. After each request it waits
/// — bounded, on the collected spans — until all the work the request caused has finished, then prints every story and
/// the run's metrics per destination.
/// </summary>
public static class ScenarioRunner
{
    /// <summary>The band that earns featuring.</summary>
    public const string FeaturedBand = "Rammstein";

    /// <summary>The band that does not.</summary>
    public const string OtherBand = "Nickelback";

    /// <summary>Runs the scenario.</summary>
    /// <param name="app">The started application (collecting spans).</param>
    /// <param name="output">Where the steps and the traces go.</param>
    /// <param name="error">Where a failure is explained.</param>
    /// <returns>The exit code: 0 when the scenario completed as expected, 1 otherwise.</returns>
    public static async Task<int> RunAsync(SampleApp app, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var timeout = TimeSpan.FromSeconds(app.Settings.ScenarioTimeoutSeconds);
        var clock = Stopwatch.StartNew();
        using var cancel = new CancellationTokenSource(timeout);
        using var client = new SampleClient(app.BaseAddress);
        var run = new ScenarioSteps(app, client, output, clock, timeout, cancel.Token);
        output.WriteLine("Band reviews — the Messaging.Tracing event-sourcing sample");
        output.WriteLine($"A scripted client calls the sample's HTTP API at {app.BaseAddress} and, after each request, waits until");
        output.WriteLine("the work it caused (commands, events, projections) is done. Each response names the request's trace in its");
        output.WriteLine("traceresponse header: its trace id is shown after the status.");
        output.WriteLine();
        try
        {
            string featured = await run.RegisterAsync(FeaturedBand).ConfigureAwait(false);
            string other = await run.RegisterAsync(OtherBand).ConfigureAwait(false);
            foreach ((int rating, string comment) in new[] { (5, "Loud and precise"), (4, "Fire everywhere"), (5, "Still ringing") })
            {
                await run.ReviewAsync(featured, FeaturedBand, rating, comment).ConfigureAwait(false);
            }

            foreach ((int rating, string comment) in new[] { (2, "Photograph, again"), (3, "Fine, I guess") })
            {
                await run.ReviewAsync(other, OtherBand, rating, comment).ConfigureAwait(false);
            }

            BandView before = await run.ExpectBandAsync(featured, featured: true, reviews: 3, average: 4.67).ConfigureAwait(false);
            await run.ExpectBandAsync(other, featured: false, reviews: 2, average: 2.5).ConfigureAwait(false);
            await run.ReplayAsync(ReviewStatsProjection.ProjectionName, atLeast: 8).ConfigureAwait(false);
            BandView after = await run.ExpectBandAsync(featured, featured: true, reviews: 3, average: 4.67).ConfigureAwait(false);
            if (after != before)
            {
                throw new ScenarioFailedException($"The rebuilt read model differs: {after} instead of {before}.");
            }

            IReadOnlyList<Activity> spans = await run.SettleAsync().ConfigureAwait(false);
            output.WriteLine();
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"All asynchronous work done after {clock.Elapsed.TotalSeconds:0.0} s: {client.Requests} requests, {spans.Count} spans in {spans.Select(s => s.TraceId).Distinct().Count()} traces."));
            IReadOnlyList<StoredEvent> history = await app.Services.GetRequiredService<IEventStore>()
                .ReadStreamAsync(BandRepository.StreamId(featured), cancel.Token).ConfigureAwait(false);
            TraceReport.Write(output, spans, history[0]);
            if (app.Metrics is { } metrics)
            {
                MetricsReport.Write(output, metrics.Measurements);
            }

            return 0;
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException or ScenarioFailedException or HttpRequestException)
        {
            string reason = ex is OperationCanceledException ? $"it did not complete within {timeout.TotalSeconds:0} s (Sample:ScenarioTimeoutSeconds)" : ex.Message;
            error.WriteLine();
            error.WriteLine($"The scenario failed after {clock.Elapsed.TotalSeconds:0.0} s: {reason}");
            if (app.Collector is { } collector)
            {
                error.WriteLine($"The {collector.Spans.Count} spans collected so far:");
                TraceReport.Write(error, collector.Spans);
            }

            return 1;
        }
    }
}
