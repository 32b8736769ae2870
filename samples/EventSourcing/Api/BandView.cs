namespace EventSourcing.Api;

/// <summary>Answer to <c>GET /bands/{id}</c>: the catalog and review-stats read models joined.</summary>
/// <param name="Id">The band.</param>
/// <param name="Name">Its name.</param>
/// <param name="Featured">Whether it is featured.</param>
/// <param name="FeaturedReason">Why it was featured.</param>
/// <param name="ReviewCount">The number of reviews (review-stats).</param>
/// <param name="AverageRating">The average rating, rounded to two decimals (review-stats).</param>
public sealed record BandView(string Id, string Name, bool Featured, string? FeaturedReason, int ReviewCount, double AverageRating);
