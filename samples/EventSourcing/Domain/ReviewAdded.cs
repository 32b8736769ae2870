namespace EventSourcing.Domain;

/// <summary>A review was added to a band.</summary>
/// <param name="BandId">The band.</param>
/// <param name="ReviewId">The review.</param>
/// <param name="Rating">The rating, 1 to 5.</param>
/// <param name="Comment">What the reviewer wrote, if anything.</param>
public sealed record ReviewAdded(string BandId, string ReviewId, int Rating, string? Comment);
