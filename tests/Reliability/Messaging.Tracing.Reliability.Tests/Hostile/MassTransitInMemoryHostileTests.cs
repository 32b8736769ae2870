using System;
using System.Diagnostics;
using System.Threading.Tasks;
using MassTransit;
using Messaging.Tracing.Testing;
using Messaging.Tracing.Testing.Hostile;
using Xunit;
using Xunit.Abstractions;

namespace Messaging.Tracing.Reliability.Tests.Hostile;

/// <summary>Hostile headers set on send over MassTransit's in-memory transport, consumed with the tracing consume filter.</summary>
public sealed class MassTransitInMemoryHostileTests(InMemoryHostileBus bus, ITestOutputHelper output) : IClassFixture<InMemoryHostileBus>
{
    public static TheoryData<string> Cases() => HostileCases.NoRepeats();

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_hostile_message_is_consumed_once_unchanged(string name)
    {
        HostileHeaderCase hostile = HostileHeaderCorpus.Get(name);
        using var collector = new SpanCollector(new SpanCollectorOptions { CaptureAll = true });
        using var diagnostics = new DiagnosticsRecorder();
        string caseName = name + "#" + Guid.NewGuid().ToString("N");
        byte[] payload = HostilePayload.For(name);
        ISendEndpoint endpoint = await bus.GetEndpointAsync();
        var stopwatch = Stopwatch.StartNew();

        await endpoint.Send(new HostileOrder(caseName, (byte[])payload.Clone()), context =>
        {
            foreach (HostileHeader header in hostile.Headers)
            {
                context.Headers.Set(header.Name, header.Text);
            }
        });

        HostileOrderCall call = await bus.Probe.WaitForAsync(caseName, HostileBus.Timeout);
        double elapsed = stopwatch.Elapsed.TotalMilliseconds;
        await endpoint.Send(new HostileOrder(caseName + "#sentinel", []));
        await bus.Probe.WaitForAsync(caseName + "#sentinel", HostileBus.Timeout);
        Assert.Single(bus.Probe.CallsFor(caseName));
        Assert.Equal(payload, call.Data);
        HostileAssert.Context(hostile, call.Activity!, call.Baggage);
        HostileAssert.Diagnostics(hostile, diagnostics);
        output.WriteLine(FormattableString.Invariant($"REPORT hostile transport=masstransit-inmemory case={name} bytes={hostile.Size} outcome={hostile.Outcome} delivered=1 handled=1 e2e_ms={elapsed:0.0}"));
    }
}
