using System;
using System.Collections.Generic;
using System.Threading.Tasks;

namespace Messaging.Tracing.Reliability.Tests.Trust;

/// <summary>
/// One transport, driven the way an application drives it: a traced send, traced consumers (subscribers that each see
/// every message), and a raw read of what is on the wire with the client library alone.
/// </summary>
public abstract class Wire : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    /// <summary>Gets the transport's name, for messages.</summary>
    public abstract string Name { get; }

    /// <summary>Sends one message through the traced API, with the current span and baggage.</summary>
    public abstract Task SendAsync(MessagingTracer tracer);

    /// <summary>Sends one message with exactly these headers (fields), through the client library alone.</summary>
    public abstract Task SendRawAsync(IReadOnlyList<KeyValuePair<string, byte[]>> headers);

    /// <summary>
    /// Processes the next message as subscriber <paramref name="subscriber"/> through the traced consumer, trusting the
    /// sender as <paramref name="trusted"/> says (the transport option; the tracer's setting when null). The handler runs
    /// inside the process scope and receives the message's headers as the transport delivered them.
    /// </summary>
    public abstract Task ProcessOneAsync(MessagingTracer tracer, bool? trusted, int subscriber, Func<IReadOnlyList<KeyValuePair<string, byte[]>>, Task> handler);

    /// <summary>Reads the headers (fields) of the first message on the wire with the client library alone.</summary>
    public abstract Task<IReadOnlyList<KeyValuePair<string, byte[]>>> ReadRawAsync();

    public abstract ValueTask DisposeAsync();

    public override string ToString() => Name;
}
