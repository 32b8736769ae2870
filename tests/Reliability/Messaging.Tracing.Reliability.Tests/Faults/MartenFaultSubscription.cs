using System;
using System.Threading;
using System.Threading.Tasks;
using JasperFx.Events;
using Marten;
using Messaging.Tracing.Marten.Subscriptions;

namespace Messaging.Tracing.Reliability.Tests.Faults;

/// <summary>The application's traced subscription in a Marten fault run: hands each <see cref="TestMessage"/> event to <see cref="FaultRun.Handle"/>.</summary>
public sealed class MartenFaultSubscription : TracedSubscription
{
    private readonly FaultRun _run;
    private readonly string _poisonId;

    /// <summary>Initializes the subscription.</summary>
    /// <param name="tracer">The fault's tracer.</param>
    /// <param name="run">What the application records.</param>
    /// <param name="poisonId">The message whose handler throws the application's exception.</param>
    public MartenFaultSubscription(MessagingTracer tracer, FaultRun run, string poisonId)
        : base(tracer)
    {
        _run = run;
        _poisonId = poisonId;
        Name = "Faults";
    }

    /// <inheritdoc/>
    protected override Task HandleAsync(IEvent storedEvent, IDocumentOperations operations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(storedEvent);
        if (storedEvent.Data is TestMessage message)
        {
            _run.Handle(message.Id, message.Payload, _poisonId);
        }

        return Task.CompletedTask;
    }
}
