using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
using EventSourcing.Domain;
using EventSourcing.EventStore;

namespace EventSourcing.Projections;

/// <summary>
/// The review statistics read model: count and average rating per band. It can be made slow
/// (<c>Sample:SlowProjectionDelayMs</c>) to see on the time axis where the time goes.
/// </summary>
public sealed class ReviewStatsProjection : Projection
{
    /// <summary>The projection's name.</summary>
    public const string ProjectionName = "review-stats";

    private readonly ConcurrentDictionary<string, ReviewStats> _stats = new();
    private readonly TimeSpan _delay;

    /// <summary>Initializes a new instance of the <see cref="ReviewStatsProjection"/> class.</summary>
    /// <param name="settings">The settings (the artificial delay).</param>
    public ReviewStatsProjection(SampleSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _delay = TimeSpan.FromMilliseconds(settings.SlowProjectionDelayMs);
    }

    /// <inheritdoc/>
    public override string Name => ProjectionName;

    /// <summary>Finds a band's statistics.</summary>
    /// <param name="bandId">The band.</param>
    /// <returns>The statistics, or null when the projection does not know the band (yet).</returns>
    public ReviewStats? Find(string bandId) => _stats.TryGetValue(bandId, out ReviewStats? stats) ? stats : null;

    /// <inheritdoc/>
    protected override void Reset() => _stats.Clear();

    /// <inheritdoc/>
    protected override async Task ApplyAsync(StoredEvent stored, object domainEvent, CancellationToken cancellationToken)
    {
        if (_delay > TimeSpan.Zero)
        {
            // Simulated expensive work (a slow database, a remote call): this projection is the slow one on the time axis.
            await Task.Delay(_delay, cancellationToken).ConfigureAwait(false);
        }

        switch (domainEvent)
        {
            case BandRegistered registered when Find(registered.BandId) is null:
                _stats[registered.BandId] = new ReviewStats(registered.BandId, 0, 0, stored.Version);
                break;
            case ReviewAdded added when Find(added.BandId) is { } stats && stored.Version > stats.Version:
                _stats[added.BandId] = stats with { ReviewCount = stats.ReviewCount + 1, RatingSum = stats.RatingSum + added.Rating, Version = stored.Version };
                break;
            case BandFeatured featured when Find(featured.BandId) is { } stats && stored.Version > stats.Version:
                _stats[featured.BandId] = stats with { Version = stored.Version };
                break;
        }
    }
}
