namespace EventSourcing.Domain;

/// <summary>A band was featured (by the featuring process manager's command).</summary>
/// <param name="BandId">The band.</param>
/// <param name="Reason">Why, in words.</param>
public sealed record BandFeatured(string BandId, string Reason);
