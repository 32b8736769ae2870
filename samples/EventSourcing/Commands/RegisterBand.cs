namespace EventSourcing.Commands;

/// <summary>Command: register a band.</summary>
/// <param name="BandId">The new band's id (chosen by the API).</param>
/// <param name="Name">Its name.</param>
public sealed record RegisterBand(string BandId, string Name);
