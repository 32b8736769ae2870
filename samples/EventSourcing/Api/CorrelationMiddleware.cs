using System;
using System.Diagnostics;
using System.Globalization;
using System.Threading.Tasks;
using EventSourcing.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EventSourcing.Api;

/// <summary>
/// Gives every request a correlation id — the caller's <c>X-Correlation-Id</c> when it is a GUID, a new one otherwise —
/// echoed in the response, recorded on the server span and in the log scope. Commands carry it as MassTransit's
/// <c>CorrelationId</c>, events as <c>correlation-id</c> metadata, all along the chain.
/// </summary>
public sealed class CorrelationMiddleware
{
    /// <summary>The request and response header.</summary>
    public const string HeaderName = "X-Correlation-Id";

    private static readonly object ItemKey = new();

    private readonly RequestDelegate _next;
    private readonly ILogger<CorrelationMiddleware> _logger;

    /// <summary>Initializes a new instance of the <see cref="CorrelationMiddleware"/> class.</summary>
    /// <param name="next">The rest of the pipeline.</param>
    /// <param name="logger">The logger whose scope gets the id.</param>
    public CorrelationMiddleware(RequestDelegate next, ILogger<CorrelationMiddleware> logger)
    {
        _next = next;
        _logger = logger;
    }

    /// <summary>Returns the request's correlation id.</summary>
    /// <param name="context">The HTTP context.</param>
    /// <returns>The id.</returns>
    public static Guid Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items.TryGetValue(ItemKey, out object? value) && value is Guid id ? id : Guid.Empty;
    }

    /// <summary>Handles a request.</summary>
    /// <param name="context">The HTTP context.</param>
    /// <returns>A task that completes when the request was handled.</returns>
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Guid id = Guid.TryParse(context.Request.Headers[HeaderName], CultureInfo.InvariantCulture, out Guid given) && given != Guid.Empty
            ? given
            : Guid.NewGuid();
        string text = id.ToString("D");
        context.Items[ItemKey] = id;
        context.Response.Headers[HeaderName] = text;
        Activity.Current?.SetTag(SampleTelemetry.CorrelationIdTag, text);
        using (SampleLog.BeginRequestScope(_logger, text))
        {
            await _next(context).ConfigureAwait(false);
        }
    }
}
