using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using EventSourcing.Commands;
using EventSourcing.Projections;
using EventSourcing.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace EventSourcing.Api;

/// <summary>The band endpoints: two commands (202 Accepted, handled asynchronously) and the read model.</summary>
public static class BandEndpoints
{
    /// <summary>Maps <c>POST /bands</c>, <c>POST /bands/{id}/reviews</c> and <c>GET /bands/{id}</c>.</summary>
    /// <param name="endpoints">The route builder.</param>
    /// <returns>The route builder.</returns>
    public static IEndpointRouteBuilder MapBandEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/bands", RegisterAsync);
        endpoints.MapPost("/bands/{id}/reviews", AddReviewAsync);
        endpoints.MapGet("/bands/{id}", Get);
        return endpoints;
    }

    private static async Task<IResult> RegisterAsync(RegisterBandRequest request, HttpContext http, CommandSender commands, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Name))
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["name"] = ["A band needs a name."] });
        }

        string bandId = Guid.NewGuid().ToString("N")[..12];
        Guid correlationId = CorrelationMiddleware.Of(http);
        Guid commandId = await commands.SendAsync(new RegisterBand(bandId, request.Name.Trim()), correlationId, correlationId.ToString("D"), cancellationToken).ConfigureAwait(false);
        SampleLog.CommandSent(loggers.CreateLogger(typeof(BandEndpoints)), nameof(RegisterBand), commandId, bandId);
        return Results.Accepted("/bands/" + bandId, new CommandAccepted(bandId, commandId, correlationId));
    }

    private static async Task<IResult> AddReviewAsync(string id, AddReviewRequest request, HttpContext http, CommandSender commands, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (request.Rating is < 1 or > 5)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["rating"] = ["A rating is 1 to 5."] });
        }

        string reviewId = Guid.NewGuid().ToString("N")[..12];
        Guid correlationId = CorrelationMiddleware.Of(http);
        Guid commandId = await commands.SendAsync(new AddReview(id, reviewId, request.Rating, request.Comment), correlationId, correlationId.ToString("D"), cancellationToken).ConfigureAwait(false);
        SampleLog.CommandSent(loggers.CreateLogger(typeof(BandEndpoints)), nameof(AddReview), commandId, id);
        return Results.Accepted("/bands/" + id, new CommandAccepted(id, commandId, correlationId));
    }

    private static IResult Get(string id, BandCatalogProjection catalog, ReviewStatsProjection reviews)
    {
        if (catalog.Find(id) is not { } band)
        {
            return Results.NotFound();
        }

        ReviewStats? stats = reviews.Find(id);
        return Results.Ok(new BandView(
            band.BandId,
            band.Name,
            band.IsFeatured,
            band.FeaturedReason,
            stats?.ReviewCount ?? 0,
            Math.Round(stats?.AverageRating ?? 0, 2)));
    }
}
