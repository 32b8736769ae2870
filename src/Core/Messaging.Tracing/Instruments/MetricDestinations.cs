using System.Collections.Concurrent;
using System.Threading;
using Messaging.Tracing.Diagnostics;

namespace Messaging.Tracing.Instruments;

/// <summary>
/// The cardinality guard of the destination attribute: the first <see cref="Limit"/> distinct destination names a
/// process measures are kept; after that, measurements of a new one carry no destination (reported once).
/// </summary>
/// <remarks>
/// A destination per entity (a stream per aggregate, a reply queue per request) would otherwise make one time series
/// per message. Transports send a template for those (<see cref="Spans.MessagingOperation.DestinationTemplate"/>); this
/// bound catches the ones nobody foresaw, below the OpenTelemetry SDK's own default of 2,000 points per metric.
/// </remarks>
internal sealed class MetricDestinations
{
    /// <summary>How many distinct destination names the metrics carry at most, per process.</summary>
    public const int Limit = 1000;

    private readonly ConcurrentDictionary<string, bool> _seen = new();
    private readonly int _limit;
    private int _reported;

    /// <summary>Initializes a new instance of the <see cref="MetricDestinations"/> class (tests use a small limit).</summary>
    /// <param name="limit">How many distinct names to carry.</param>
    internal MetricDestinations(int limit)
    {
        _limit = limit;
    }

    /// <summary>Gets the guard of the process's measurements.</summary>
    public static MetricDestinations Shared { get; } = new(Limit);

    /// <summary>Whether measurements may carry <paramref name="destination"/>.</summary>
    /// <param name="destination">The destination name.</param>
    /// <returns><see langword="true"/> when it is one of the first names seen.</returns>
    public bool Admit(string destination)
    {
        if (_seen.ContainsKey(destination))
        {
            return true;
        }

        // Slightly more than the limit may pass when threads race here: a bound, not an exact count.
        if (_seen.Count < _limit)
        {
            _seen.TryAdd(destination, true);
            return true;
        }

        if (Interlocked.Exchange(ref _reported, 1) == 0)
        {
            MessagingTracingEventSource.Log.MetricDestinationLimitReached(_limit);
        }

        return false;
    }
}
