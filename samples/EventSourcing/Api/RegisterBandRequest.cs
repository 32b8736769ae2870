namespace EventSourcing.Api;

/// <summary>Body of <c>POST /bands</c>.</summary>
/// <param name="Name">The band's name.</param>
public sealed record RegisterBandRequest(string? Name);
