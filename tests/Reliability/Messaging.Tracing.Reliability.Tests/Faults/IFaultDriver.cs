using System.Collections.Generic;
using System.Threading.Tasks;

namespace Messaging.Tracing.Reliability.Tests.Faults;

/// <summary>Sends messages through one transport with its traced API and handles them, with a fault installed.</summary>
public interface IFaultDriver
{
    /// <summary>Gets the transport's name for the REPORT lines.</summary>
    string Transport { get; }

    /// <summary>Sends every message, then handles until all arrived (or the time is up).</summary>
    /// <param name="fault">The installed fault, with the tracer and callbacks to use.</param>
    /// <param name="messages">The messages.</param>
    /// <param name="poisonId">The message whose handler throws the application's exception.</param>
    /// <returns>What the application saw.</returns>
    Task<FaultRun> RunAsync(InjectedFault fault, IReadOnlyList<TestMessage> messages, string poisonId);
}
