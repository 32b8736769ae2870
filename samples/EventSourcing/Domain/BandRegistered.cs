namespace EventSourcing.Domain;

/// <summary>A band was registered.</summary>
/// <param name="BandId">The band.</param>
/// <param name="Name">Its name.</param>
public sealed record BandRegistered(string BandId, string Name);
