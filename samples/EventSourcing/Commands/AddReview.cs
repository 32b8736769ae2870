namespace EventSourcing.Commands;

/// <summary>Command: add a review to a band.</summary>
/// <param name="BandId">The band.</param>
/// <param name="ReviewId">The review's id (chosen by the API).</param>
/// <param name="Rating">1 to 5.</param>
/// <param name="Comment">Optional text.</param>
public sealed record AddReview(string BandId, string ReviewId, int Rating, string? Comment);
