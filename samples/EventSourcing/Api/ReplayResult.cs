namespace EventSourcing.Api;

/// <summary>Answer to <c>POST /projections/{name}/replay</c>.</summary>
/// <param name="Projection">The projection rebuilt.</param>
/// <param name="Events">The number of events replayed.</param>
public sealed record ReplayResult(string Projection, int Events);
