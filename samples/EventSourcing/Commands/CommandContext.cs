using System;
using MassTransit;

namespace EventSourcing.Commands;

/// <summary>Where a command came from: the flow's correlation id and the command's own message id (the causation id of its events).</summary>
/// <param name="CorrelationId">The correlation id of the flow (the HTTP request's), kept along the whole chain.</param>
/// <param name="CommandId">The command's message id.</param>
/// <param name="CausedBy">What caused the command (the request's correlation id, or the event a process manager reacted to).</param>
public sealed record CommandContext(string CorrelationId, string CommandId, string? CausedBy)
{
    /// <summary>Reads the context of a consumed command.</summary>
    /// <param name="context">MassTransit's consume context.</param>
    /// <returns>The command context.</returns>
    public static CommandContext From(ConsumeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Guid correlation = context.CorrelationId ?? context.ConversationId ?? context.MessageId ?? Guid.Empty;
        Guid command = context.MessageId ?? Guid.Empty;
        return new CommandContext(correlation.ToString("D"), command.ToString("D"), context.Headers.Get<string>(CommandSender.CausationIdHeader));
    }
}
