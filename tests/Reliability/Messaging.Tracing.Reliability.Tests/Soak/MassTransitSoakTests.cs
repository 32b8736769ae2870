using System;
using System.Threading;
using System.Threading.Tasks;
using MassTransit;
using Messaging.Tracing.Brokers;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Xunit.Abstractions;

namespace Messaging.Tracing.Reliability.Tests.Soak;

/// <summary>
/// MassTransit soak, over the shared RabbitMQ broker and over the in-memory transport: publishes to a temporary endpoint
/// whose consumer runs <see cref="ConcurrentMessageLimit"/> messages at once with a prefetch of <see cref="PrefetchCount"/>.
/// MassTransit's own activity source is not listened, so the library's send and process spans are the hop's spans.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class MassTransitSoakTests(RabbitMqBroker broker, ITestOutputHelper output) : IClassFixture<RabbitMqBroker>
{
    private const int ProducerConcurrency = 32;
    private const int ConcurrentMessageLimit = 8;
    private const int PrefetchCount = 32;
    private static readonly TimeSpan BusTimeout = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("rabbitmq")]
    [InlineData("in-memory")]
    public async Task Concurrent_consumers_keep_each_message_its_own_context_and_lose_nothing(string transport)
    {
        using var run = new SoakRun("masstransit-" + transport, SoakSettings.Messages);
        string endpoint = broker.UniqueName("soak-mt");
        await using ServiceProvider provider = BuildBus(transport, endpoint, run);
        IBusControl bus = provider.GetRequiredService<IBusControl>();
        using (var starting = new CancellationTokenSource(BusTimeout))
        {
            await bus.StartAsync(starting.Token);
        }

        SoakReport report;
        try
        {
            // Published, not sent to the queue's address: a temporary endpoint's queue is exclusive to the receiving
            // connection, so a sender declaring it would be refused; the message type's exchange routes to it.
            report = await run.RunAsync((_, payload) => bus.Publish(new SoakPing(payload)), ProducerConcurrency);
        }
        finally
        {
            using var stopping = new CancellationTokenSource(BusTimeout);
            await bus.StopAsync(stopping.Token);
        }

        output.WriteLine(report.ToReportLine());
        report.AssertHealthy();
    }

    private ServiceProvider BuildBus(string transport, string endpoint, SoakRun run)
    {
        var services = new ServiceCollection();
        services.AddSingleton(run);
        services.AddMassTransit(x =>
        {
            x.AddMessagingTracing();
            x.AddConsumer<SoakPingConsumer>().Endpoint(e =>
            {
                e.Name = endpoint;
                e.Temporary = true;
                e.ConcurrentMessageLimit = ConcurrentMessageLimit;
                e.PrefetchCount = PrefetchCount;
            });
            if (transport == "in-memory")
            {
                x.UsingInMemory((context, cfg) =>
                {
                    Configure(cfg, context, run);
                    cfg.ConfigureEndpoints(context);
                });
            }
            else
            {
                x.UsingRabbitMq((context, cfg) =>
                {
                    string[] user = Uri.UnescapeDataString(broker.Uri.UserInfo).Split(':', 2);
                    cfg.Host(broker.Uri.Host, (ushort)(broker.Uri.IsDefaultPort ? 5672 : broker.Uri.Port), "/", h =>
                    {
                        h.Username(user[0]);
                        h.Password(user.Length > 1 ? user[1] : string.Empty);
                    });
                    // An exchange of this run's own: no endpoint of another test's bus takes its messages.
                    cfg.Message<SoakPing>(m => m.SetEntityName($"{endpoint}-SoakPing"));
                    Configure(cfg, context, run);
                    cfg.ConfigureEndpoints(context);
                });
            }
        });
        return services.BuildServiceProvider();
    }

    private static void Configure(IBusFactoryConfigurator cfg, IBusRegistrationContext context, SoakRun run)
    {
        cfg.UseFilter(new AmbientCheckFilter(run));
        cfg.UseMessagingTracing(context);
    }
}
