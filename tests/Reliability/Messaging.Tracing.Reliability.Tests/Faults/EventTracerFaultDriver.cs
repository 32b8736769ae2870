using System;
using System.Collections.Generic;
using System.Diagnostics;
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
            Activity? append = events.StartAppend("band-" + message.Id, message);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            events.Write(metadata, append, correlationId: message.Id);
            store.Add((message, metadata));

            // The application stops the append span it started: StopReportingFaults keeps a throwing listener out of its way.
            append.StopReportingFaults();
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
