using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using EventSourcing.Api;
using Messaging.Tracing.Propagation;

namespace EventSourcing.Scenario;

/// <summary>The steps of one scripted run: each request, its printed line, its checks, and the wait until its work is done.</summary>
internal sealed class ScenarioSteps(SampleApp app, SampleClient client, TextWriter output, Stopwatch clock, TimeSpan timeout, CancellationToken cancellationToken)
{
    public async Task<string> RegisterAsync(string name)
    {
        ApiResponse<CommandAccepted> response = await client.RegisterBandAsync(name, cancellationToken).ConfigureAwait(false);
        CommandAccepted accepted = Expect(response, 202, $"POST /bands {{\"name\":\"{name}\"}}");
        await SettleAsync().ConfigureAwait(false);
        return accepted.BandId;
    }

    public async Task ReviewAsync(string bandId, string band, int rating, string comment)
    {
        ApiResponse<CommandAccepted> response = await client.AddReviewAsync(bandId, rating, comment, cancellationToken).ConfigureAwait(false);
        Expect(response, 202, $"POST /bands/{{{band}}}/reviews {{\"rating\":{rating}}}");
        await SettleAsync().ConfigureAwait(false);
    }

    public async Task<BandView> ExpectBandAsync(string bandId, bool featured, int reviews, double average)
    {
        ApiResponse<BandView> response = await client.GetBandAsync(bandId, cancellationToken).ConfigureAwait(false);
        BandView band = Expect(response, 200, $"GET /bands/{bandId}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"        {band.Name}: {band.ReviewCount} reviews, average {band.AverageRating:0.00}, {(band.Featured ? "featured (" + band.FeaturedReason + ")" : "not featured")}"));
        if (band.Featured != featured || band.ReviewCount != reviews || Math.Abs(band.AverageRating - average) > 0.005)
        {
            throw new ScenarioFailedException(string.Create(
                CultureInfo.InvariantCulture,
                $"{band.Name} should have {reviews} reviews averaging {average:0.00} and {(featured ? "be" : "not be")} featured; the read model says {band}."));
        }

        await SettleAsync().ConfigureAwait(false);
        return band;
    }

    public async Task ReplayAsync(string projection, int atLeast)
    {
        ApiResponse<ReplayResult> response = await client.ReplayAsync(projection, cancellationToken).ConfigureAwait(false);
        ReplayResult result = Expect(response, 200, $"POST /projections/{projection}/replay");
        output.WriteLine($"        replayed {result.Events} events into {result.Projection}, each in a new trace linked to its append");
        if (result.Events < atLeast)
        {
            throw new ScenarioFailedException($"The replay read {result.Events} events, at least {atLeast} expected.");
        }

        await SettleAsync().ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<Activity>> SettleAsync()
    {
        TimeSpan remaining = timeout - clock.Elapsed;
        try
        {
            return await app.WaitForSettledAsync(client.Requests, remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new ScenarioFailedException(
                $"the asynchronous work caused by request {client.Requests} did not finish within the scenario's {timeout.TotalSeconds:0} s (Sample:ScenarioTimeoutSeconds)",
                ex);
        }
    }

    private T Expect<T>(ApiResponse<T> response, int status, string description)
    {
        string trace = response.TraceResponse is { } header && TraceParentCodec.TryParse(header, out ActivityContext context) ? context.TraceId.ToHexString() : "(none)";
        output.WriteLine($"  {client.Requests,2}. {description,-46} → {response.Status}  trace {trace}");
        if (response.Status != status || response.Body is null)
        {
            throw new ScenarioFailedException($"{description} answered {response.Status}, {status} with a body expected.");
        }

        return response.Body;
    }
}
