using System;
using System.Diagnostics;
using System.Globalization;
using System.Threading.Tasks;
using Messaging.Tracing.Propagation;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace EventSourcing.Telemetry;

/// <summary>
/// Completes ASP.NET Core's server span the way the HTTP semantic conventions name it (<c>POST /bands/{id}/reviews</c>,
/// with method, route, path and status attributes; ASP.NET Core's own source starts the span but sets none of these
/// without the contrib instrumentation), and answers with the W3C Trace Context Level 2 <c>traceresponse</c> header
/// (<c>00-{trace-id}-{span-id}-{flags}</c> of the server span). Runs after routing.
/// </summary>
public sealed class ServerSpanMiddleware
{
    /// <summary>The response header with the server span's context.</summary>
    public const string TraceResponseHeader = "traceresponse";

    private readonly RequestDelegate _next;

    /// <summary>Initializes a new instance of the <see cref="ServerSpanMiddleware"/> class.</summary>
    /// <param name="next">The rest of the pipeline.</param>
    public ServerSpanMiddleware(RequestDelegate next)
    {
        _next = next;
    }

    /// <summary>Handles a request.</summary>
    /// <param name="context">The HTTP context.</param>
    /// <returns>A task that completes when the request was handled.</returns>
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Activity? span = context.Features.Get<IHttpActivityFeature>()?.Activity;
        if (span is null)
        {
            await _next(context).ConfigureAwait(false);
            return;
        }

        string? route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
        if (span.IsAllDataRequested)
        {
            HttpRequest request = context.Request;
            span.DisplayName = route is null ? request.Method : request.Method + " " + route;
            span.SetTag("http.request.method", request.Method);
            span.SetTag("http.route", route);
            span.SetTag("url.scheme", request.Scheme);
            span.SetTag("url.path", request.Path.Value);
            span.SetTag("server.address", request.Host.Host);
            span.SetTag("server.port", request.Host.Port);
            span.SetTag("network.protocol.version", request.Protocol.StartsWith("HTTP/", StringComparison.Ordinal) ? request.Protocol[5..] : request.Protocol);
        }

        context.Response.OnStarting(static state =>
        {
            var (response, activity) = ((HttpResponse, Activity))state;
            response.Headers[TraceResponseHeader] = TraceParentCodec.Format(activity.Context);
            return Task.CompletedTask;
        }, (context.Response, span));

        try
        {
            await _next(context).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            span.AddException(ex);
            span.SetTag("error.type", ex.GetType().FullName);
            span.SetStatus(ActivityStatusCode.Error);
            throw;
        }

        int status = context.Response.StatusCode;
        span.SetTag("http.response.status_code", status);
        if (status >= 500)
        {
            span.SetTag("error.type", status.ToString(CultureInfo.InvariantCulture));
            span.SetStatus(ActivityStatusCode.Error);
        }
    }
}
