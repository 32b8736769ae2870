using System.Collections.Concurrent;
using System.Threading;

namespace Messaging.Tracing.Reliability.Tests.Faults;

/// <summary>What the application saw during one run: each message its handler received, and its own exceptions coming back.</summary>
public sealed class FaultRun
{
    private int _handled;
    private int _surfaced;

    /// <summary>Gets the payload each message id arrived with (first delivery).</summary>
    public ConcurrentDictionary<string, byte[]> Received { get; } = new();

    /// <summary>Gets how many times a handler ran.</summary>
    public int Handled => Volatile.Read(ref _handled);

    /// <summary>Gets how many times the application's own exception came back to it where the transport reports handler failures.</summary>
    public int ApplicationFaultsSurfaced => Volatile.Read(ref _surfaced);

    /// <summary>The application's handler: records the delivery and throws for <paramref name="poisonId"/>'s first delivery.</summary>
    /// <param name="id">The message id.</param>
    /// <param name="payload">The payload as received.</param>
    /// <param name="poisonId">The id whose handler fails.</param>
    /// <exception cref="ApplicationFaultException">For the poison message, the first time.</exception>
    public void Handle(string id, byte[] payload, string poisonId)
    {
        Interlocked.Increment(ref _handled);
        bool first = Received.TryAdd(id, payload);
        if (first && id == poisonId)
        {
            throw new ApplicationFaultException("poison " + id);
        }
    }

    /// <summary>Records that the application's exception came back.</summary>
    public void Surfaced() => Interlocked.Increment(ref _surfaced);
}
