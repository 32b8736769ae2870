using System;

namespace EventSourcing.Api;

/// <summary>Answer to a command request (202 Accepted): the command is on its way, the read model follows.</summary>
/// <param name="BandId">The band.</param>
/// <param name="CommandId">The command's message id (the causation id of the events it produces).</param>
/// <param name="CorrelationId">The flow's correlation id.</param>
public sealed record CommandAccepted(string BandId, Guid CommandId, Guid CorrelationId);
