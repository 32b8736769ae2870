using System.Collections.Concurrent;
using Messaging.Tracing.Diagnostics;

namespace Messaging.Tracing.Instruments;

/// <summary>
/// The cardinality guard of the destination attribute: the first <see cref="Limit"/> distinct destination names a
/// process measures are kept; after that, measurements of a new one carry no destination (reported once).
/// </summary>
/// <remarks>
/// A destination per entity (a stream per aggregate, a reply queue per request) would otherwise make one time series
/// per message. Transports send a template for those (<see cref="Spans.MessagingOperation.DestinationTemplate"/>); this
/// bound catches the ones nobody foresaw, below the OpenTelemetry SDK's own limit of 2,000 points per metric.
/// </remarks>
internal static class MetricDestinations
{
    /// <summary>How many distinct destination names the metrics carry at most, per process.</summary>
    public const int Limit = 1000;

    private static readonly ConcurrentDictionary<string, bool> Seen = new();
    private static int _reported;

    /// <summary>Whether measurements may carry <paramref name="destination"/>.</summary>
    public static bool Admit(string destination)
    {
        if (Seen.ContainsKey(destination))
        {
            return true;
        }

        // Slightly more than Limit may pass when threads race here: a bound, not an exact count.
        if (Seen.Count < Limit)
        {
            Seen.TryAdd(destination, true);
            return true;
        }

        if (System.Threading.Interlocked.Exchange(ref _reported, 1) == 0)
        {
            MessagingTracingEventSource.Log.MetricDestinationLimitReached(Limit);
        }

        return false;
    }
}
