using System.Threading;
using System.Threading.Tasks;
using EventSourcing.Projections;
using EventSourcing.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace EventSourcing.Api;

/// <summary>Operations on projections.</summary>
public static class ProjectionEndpoints
{
    /// <summary>Maps <c>POST /projections/{name}/replay</c>: rebuilds a projection from the event store, then answers.</summary>
    /// <param name="endpoints">The route builder.</param>
    /// <returns>The route builder.</returns>
    public static IEndpointRouteBuilder MapProjectionEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/projections/{name}/replay", ReplayAsync);
        return endpoints;
    }

    private static async Task<IResult> ReplayAsync(string name, ProjectionReplayer replayer, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (await replayer.ReplayAsync(name, cancellationToken).ConfigureAwait(false) is not { } count)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, detail: $"No projection '{name}'; there are: {string.Join(", ", replayer.Names)}.");
        }

        SampleLog.Replayed(loggers.CreateLogger(typeof(ProjectionEndpoints)), count, name);
        return Results.Ok(new ReplayResult(name, count));
    }
}
