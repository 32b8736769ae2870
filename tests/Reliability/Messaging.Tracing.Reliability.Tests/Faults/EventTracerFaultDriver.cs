using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Messaging.Tracing.Events;
using Messaging.Tracing.Spans;

namespace Messaging.Tracing.Reliability.Tests.Faults;

/// <summary>Event metadata: <see cref="EventTracer"/> appends into an in-memory store and a live projection handles the events.</summary>
public sealed class EventTracerFaultDriver : IFaultDriver
{
    /// <inheritdoc/>
    public string Transport => "eventtracer";

    /// <inheritdoc/>
    public Task<FaultRun> RunAsync(InjectedFault fault, IReadOnlyList<TestMessage> messages, string poisonId)
    {
        var events = new EventTracer(fault.Tracer);
        var store = new List<(TestMessage Event, Dictionary<string, string> Metadata)>(messages.Count);
        foreach (TestMessage message in messages)
        {
            // Disposing the append stops its span reporting faults: a throwing listener stays out of the application's way.
            using AppendScope append = events.StartAppend("band-" + message.Id, message);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            events.Write(metadata, append.Activity, correlationId: message.Id);
            store.Add((message, metadata));
        }

        var run = new FaultRun();
        foreach ((TestMessage stored, Dictionary<string, string> metadata) in store)
        {
            try
            {
                using ProcessScope scope = events.StartHandling(metadata, "projection", EventDelivery.Live, stored);
                try
                {
                    run.Handle(stored.Id, stored.Payload, poisonId);
                }
                catch (Exception ex)
                {
                    scope.RecordException(ex);
                    throw;
                }
            }
            catch (ApplicationFaultException)
            {
                run.Surfaced();
            }
        }

        return Task.FromResult(run);
    }
}
