using System.Text.Json;

namespace Messaging.Tracing.Marten.Tests;

/// <summary>One row of <c>mt_events</c> as PostgreSQL holds it.</summary>
/// <param name="HeadersJson">The <c>headers</c> column (JSONB) as text.</param>
/// <param name="CorrelationId">The <c>correlation_id</c> column.</param>
/// <param name="CausationId">The <c>causation_id</c> column.</param>
internal sealed record StoredEventRow(string? HeadersJson, string? CorrelationId, string? CausationId)
{
    /// <summary>The string value of a header; null when absent.</summary>
    public string? Header(string key)
    {
        if (HeadersJson is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(HeadersJson);
        return document.RootElement.TryGetProperty(key, out JsonElement value) ? value.GetString() : null;
    }
}
