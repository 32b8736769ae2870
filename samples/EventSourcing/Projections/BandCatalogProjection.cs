using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
using EventSourcing.Domain;
using EventSourcing.EventStore;

namespace EventSourcing.Projections;

/// <summary>The catalog read model: each band's name and whether it is featured.</summary>
public sealed class BandCatalogProjection : Projection
{
    /// <summary>The projection's name.</summary>
    public const string ProjectionName = "band-catalog";

    private readonly ConcurrentDictionary<string, BandCatalogEntry> _bands = new();

    /// <inheritdoc/>
    public override string Name => ProjectionName;

    /// <summary>Finds a band.</summary>
    /// <param name="bandId">The band.</param>
    /// <returns>The entry, or null when the catalog does not know the band (yet).</returns>
    public BandCatalogEntry? Find(string bandId) => _bands.TryGetValue(bandId, out BandCatalogEntry? entry) ? entry : null;

    /// <inheritdoc/>
    protected override void Reset() => _bands.Clear();

    /// <inheritdoc/>
    protected override Task ApplyAsync(StoredEvent stored, object domainEvent, CancellationToken cancellationToken)
    {
        switch (domainEvent)
        {
            case BandRegistered registered when Find(registered.BandId) is null:
                _bands[registered.BandId] = new BandCatalogEntry(registered.BandId, registered.Name, IsFeatured: false, FeaturedReason: null, stored.Version);
                break;
            case ReviewAdded added when Find(added.BandId) is { } entry && stored.Version > entry.Version:
                _bands[added.BandId] = entry with { Version = stored.Version };
                break;
            case BandFeatured featured when Find(featured.BandId) is { } entry && stored.Version > entry.Version:
                _bands[featured.BandId] = entry with { IsFeatured = true, FeaturedReason = featured.Reason, Version = stored.Version };
                break;
        }

        return Task.CompletedTask;
    }
}
