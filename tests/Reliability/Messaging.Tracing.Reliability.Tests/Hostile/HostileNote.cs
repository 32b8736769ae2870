namespace Messaging.Tracing.Reliability.Tests.Hostile;

/// <summary>The event the Marten hostile tests append: which case, where in the stream, and a body compared after handling.</summary>
/// <param name="Case">The hostile case.</param>
/// <param name="Position">1 for the event before the hostile one, 2 for the hostile one, 3 for the one after.</param>
/// <param name="Payload">Every byte value and the case name (<see cref="HostilePayload.For"/>).</param>
public sealed record HostileNote(string Case, int Position, byte[] Payload);
