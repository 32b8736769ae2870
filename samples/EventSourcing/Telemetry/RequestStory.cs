using System.Collections.Generic;
using System.Diagnostics;

namespace EventSourcing.Telemetry;

/// <summary>
/// What one HTTP request caused: the spans of its trace, and of the traces it started that link back to it (a replay
/// starts one per event). Work that only follows from its spans later, in another request's traces, is not in it.
/// </summary>
/// <param name="Number">The request's number, 1-based, in start order.</param>
/// <param name="Request">The request's server span.</param>
/// <param name="Spans">The story's spans, the server span included.</param>
public sealed record RequestStory(int Number, Activity Request, IReadOnlyList<Activity> Spans);
