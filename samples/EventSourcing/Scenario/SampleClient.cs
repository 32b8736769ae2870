using System;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Json;
using System.Threading;
using System.Threading.Tasks;
using EventSourcing.Api;
using EventSourcing.Telemetry;

namespace EventSourcing.Scenario;

/// <summary>
/// An HTTP client of the sample's API. It sends no trace context (each request starts its own trace on the server),
/// and reads the server's <c>traceresponse</c> header.
/// </summary>
public sealed class SampleClient : IDisposable
{
    private readonly HttpClient _http;

    /// <summary>Initializes a new instance of the <see cref="SampleClient"/> class.</summary>
    /// <param name="baseAddress">The API's address.</param>
    public SampleClient(Uri baseAddress)
    {
        // No ActivityHeadersPropagator: the client injects no traceparent, the server span is a root.
        _http = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = baseAddress };
    }

    /// <summary>Gets the number of requests sent so far.</summary>
    public int Requests { get; private set; }

    /// <summary><c>POST /bands</c>.</summary>
    /// <param name="name">The band's name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The answer.</returns>
    public Task<ApiResponse<CommandAccepted>> RegisterBandAsync(string name, CancellationToken cancellationToken) =>
        SendAsync<CommandAccepted>(HttpMethod.Post, "bands", new RegisterBandRequest(name), cancellationToken);

    /// <summary><c>POST /bands/{id}/reviews</c>.</summary>
    /// <param name="bandId">The band.</param>
    /// <param name="rating">1 to 5.</param>
    /// <param name="comment">Optional text.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The answer.</returns>
    public Task<ApiResponse<CommandAccepted>> AddReviewAsync(string bandId, int rating, string? comment, CancellationToken cancellationToken) =>
        SendAsync<CommandAccepted>(HttpMethod.Post, $"bands/{Uri.EscapeDataString(bandId)}/reviews", new AddReviewRequest(rating, comment), cancellationToken);

    /// <summary><c>GET /bands/{id}</c>.</summary>
    /// <param name="bandId">The band.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The answer.</returns>
    public Task<ApiResponse<BandView>> GetBandAsync(string bandId, CancellationToken cancellationToken) =>
        SendAsync<BandView>(HttpMethod.Get, $"bands/{Uri.EscapeDataString(bandId)}", null, cancellationToken);

    /// <summary><c>POST /projections/{name}/replay</c>.</summary>
    /// <param name="projection">The projection.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The answer.</returns>
    public Task<ApiResponse<ReplayResult>> ReplayAsync(string projection, CancellationToken cancellationToken) =>
        SendAsync<ReplayResult>(HttpMethod.Post, $"projections/{Uri.EscapeDataString(projection)}/replay", null, cancellationToken);

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();

    private async Task<ApiResponse<T>> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType());
        }

        Requests++;
        using HttpResponseMessage response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        string? traceResponse = response.Headers.TryGetValues(ServerSpanMiddleware.TraceResponseHeader, out var values) ? values.FirstOrDefault() : null;
        T? content = response.IsSuccessStatusCode && response.Content.Headers.ContentLength != 0
            ? await response.Content.ReadFromJsonAsync<T>(cancellationToken).ConfigureAwait(false)
            : default;
        return new ApiResponse<T>((int)response.StatusCode, content, traceResponse);
    }
}
