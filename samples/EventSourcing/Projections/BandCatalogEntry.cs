namespace EventSourcing.Projections;

/// <summary>A band in the catalog read model.</summary>
/// <param name="BandId">The band.</param>
/// <param name="Name">Its name.</param>
/// <param name="IsFeatured">Whether it is featured.</param>
/// <param name="FeaturedReason">Why it was featured.</param>
/// <param name="Version">The last applied version of the band's stream.</param>
public sealed record BandCatalogEntry(string BandId, string Name, bool IsFeatured, string? FeaturedReason, long Version);
