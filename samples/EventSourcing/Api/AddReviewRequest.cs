namespace EventSourcing.Api;

/// <summary>Body of <c>POST /bands/{id}/reviews</c>.</summary>
/// <param name="Rating">1 to 5.</param>
/// <param name="Comment">Optional text.</param>
public sealed record AddReviewRequest(int Rating, string? Comment);
