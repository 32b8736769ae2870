namespace Messaging.Tracing.Reliability.Tests.Restarts;

/// <summary>The MassTransit message of the RabbitMQ restart run, and the Marten event of the PostgreSQL restart run.</summary>
/// <param name="Id">The application's message id.</param>
/// <param name="Payload">The payload, checked on arrival.</param>
public sealed record OrderRecorded(string Id, string Payload);
