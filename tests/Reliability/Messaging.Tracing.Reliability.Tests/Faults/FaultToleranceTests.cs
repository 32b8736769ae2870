using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Threading.Tasks;
using Messaging.Tracing.Brokers;
using Messaging.Tracing.Reliability.Tests.Restarts;
using Xunit;
using Xunit.Abstractions;

namespace Messaging.Tracing.Reliability.Tests.Faults;

/// <summary>
/// Issue 7, "never lose a message": a fault inside the instrumentation — callbacks, exporters, processors, listeners
/// that throw, an exporter that blocks — never stops a send or a consume on any transport. Every message is delivered
/// and handled with its payload unchanged, the application's own handler exception still reaches it, and each fault
/// that reaches Messaging.Tracing is reported once through the <c>Messaging-Tracing</c> event source.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class FaultToleranceTests(ITestOutputHelper output, KafkaCluster kafka, RabbitMqBroker rabbitMq, RedisBroker redis, PostgresDatabase postgres)
    : IClassFixture<KafkaCluster>, IClassFixture<RabbitMqBroker>, IClassFixture<RedisBroker>, IClassFixture<PostgresDatabase>
{
    /// <summary>Gets how many messages each (transport, fault) case sends.</summary>
    public static int MessagesPerCase => SoakMessages.Count(CiMessages, LongRunDivisor);

    /// <summary>Gets how long one run may take to deliver everything: 30 s for the CI slice, more in proportion for the long run.</summary>
    public static TimeSpan RunTimeout => SoakMessages.Budget(TimeSpan.FromSeconds(30), MessagesPerCase, CiMessages);

    /// <summary>Messages per (transport, fault) in the CI slice; the long run gives each a tenth of MESSAGING_TRACING_SOAK_MESSAGES.</summary>
    private const int CiMessages = 100;

    /// <summary>Share of the long run's message count each of the many (transport, fault) cases gets.</summary>
    private const int LongRunDivisor = 10;

    public static TheoryData<string, FaultKind> Cases()
    {
        var data = new TheoryData<string, FaultKind>();
        foreach (string transport in new[] { "kafka", "rabbitmq", "masstransit-inmemory", "masstransit-rabbitmq", "redis", "eventtracer", "marten" })
        {
            foreach (FaultKind kind in Enum.GetValues<FaultKind>())
            {
                data.Add(transport, kind);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_fault_in_the_instrumentation_never_stops_a_message(string transport, FaultKind kind)
    {
        IFaultDriver driver = Driver(transport);
        int count = MessagesPerCase;
        IReadOnlyList<TestMessage> messages = TestMessage.Create("m", count);
        string poisonId = messages[count / 2].Id;
        using var diagnostics = new DiagnosticsRecorder();
        var stopwatch = Stopwatch.StartNew();
        FaultRun run;
        int injected;
        using (InjectedFault fault = InjectedFault.Install(kind))
        {
            // Every wait inside is bounded; this bounds the run as a whole too, so a stuck transport fails the case instead of the test run.
            run = await driver.RunAsync(fault, messages, poisonId).WaitAsync(RunTimeout * 2);
            fault.Flush();
            injected = fault.Injected;
            if (fault.ReportedByUs)
            {
                // Self-diagnostics are written on the faulting thread: by now they are all in.
                Assert.Equal(injected, diagnostics.Reported);
            }
            else
            {
                Assert.Equal(0, diagnostics.Reported);
            }
        }

        int lost = 0;
        foreach (TestMessage message in messages)
        {
            if (!run.Received.TryGetValue(message.Id, out byte[]? payload))
            {
                lost++;
                continue;
            }

            Assert.Equal(message.Payload, payload);
        }

        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"REPORT faults transport={driver.Transport} fault={kind} messages={count} received={run.Received.Count} handled={run.Handled} lost={lost} "
            + $"faults_injected={injected} faults_reported={diagnostics.Reported} sdk_reported={diagnostics.ReportedBySdk} "
            + $"app_exceptions_surfaced={run.ApplicationFaultsSurfaced} seconds={stopwatch.Elapsed.TotalSeconds:0.0}"));
        Assert.Equal(0, lost);
        Assert.True(injected > 0, $"the {kind} fault never fired");
        Assert.Equal(1, run.ApplicationFaultsSurfaced);
    }

    private IFaultDriver Driver(string transport) => transport switch
    {
        "kafka" => new KafkaFaultDriver(kafka),
        "rabbitmq" => new RabbitMqFaultDriver(rabbitMq),
        "masstransit-inmemory" => new MassTransitFaultDriver(null),
        "masstransit-rabbitmq" => new MassTransitFaultDriver(rabbitMq),
        "redis" => new RedisFaultDriver(redis),
        "eventtracer" => new EventTracerFaultDriver(),
        "marten" => new MartenFaultDriver(postgres),
        _ => throw new ArgumentOutOfRangeException(nameof(transport), transport, "unknown transport"),
    };
}
