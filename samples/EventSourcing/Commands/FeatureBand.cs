namespace EventSourcing.Commands;

/// <summary>Command from the featuring process manager: feature a band.</summary>
/// <param name="BandId">The band.</param>
/// <param name="Reason">Why, in words.</param>
public sealed record FeatureBand(string BandId, string Reason);
