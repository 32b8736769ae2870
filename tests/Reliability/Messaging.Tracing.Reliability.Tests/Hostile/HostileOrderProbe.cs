using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using MassTransit;
using Messaging.Tracing.Brokers;
using OpenTelemetry;

namespace Messaging.Tracing.Reliability.Tests.Hostile;

/// <summary>What the consumer saw for one message: its body bytes as received, its data, the span and baggage current.</summary>
public sealed record HostileOrderCall(byte[] Body, byte[] Data, Activity? Activity, IReadOnlyDictionary<string, string> Baggage);

/// <summary>Records the consumer's calls per case name.</summary>
public sealed class HostileOrderProbe
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<HostileOrderCall>> _calls = new(StringComparer.Ordinal);

    public void Record(ConsumeContext<HostileOrder> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var call = new HostileOrderCall(context.ReceiveContext.Body.GetBytes(), context.Message.Data, Activity.Current, Baggage.Current.GetBaggage());
        _calls.GetOrAdd(context.Message.CaseName, _ => new ConcurrentQueue<HostileOrderCall>()).Enqueue(call);
    }

    public IReadOnlyList<HostileOrderCall> CallsFor(string caseName) =>
        _calls.TryGetValue(caseName, out ConcurrentQueue<HostileOrderCall>? calls) ? calls.ToArray() : [];

    /// <summary>Waits until the message of <paramref name="caseName"/> was handled and its process span ended.</summary>
    public async Task<HostileOrderCall> WaitForAsync(string caseName, TimeSpan timeout)
    {
        await Wait.UntilAsync(() => CallsFor(caseName).FirstOrDefault() is { } call && call.Activity is { IsStopped: true }, timeout, $"the consumer's call for {caseName}");
        return CallsFor(caseName)[0];
    }
}

/// <summary>Records every <see cref="HostileOrder"/> in the probe.</summary>
public sealed class HostileOrderConsumer(HostileOrderProbe probe) : IConsumer<HostileOrder>
{
    public Task Consume(ConsumeContext<HostileOrder> context)
    {
        probe.Record(context);
        return Task.CompletedTask;
    }
}
