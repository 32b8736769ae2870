using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using MassTransit;
using Messaging.Tracing.Brokers;

namespace Messaging.Tracing.Reliability.Tests.Faults;

/// <summary>MassTransit with <c>UseMessagingTracing</c>, in memory or over the shared RabbitMQ node.</summary>
/// <param name="rabbitMq">The node; in memory when null.</param>
public sealed class MassTransitFaultDriver(RabbitMqBroker? rabbitMq) : IFaultDriver
{
    /// <summary>Sends in flight at once.</summary>
    private const int InFlight = 50;

    /// <inheritdoc/>
    public string Transport => rabbitMq is null ? "masstransit-inmemory" : "masstransit-rabbitmq";

    /// <inheritdoc/>
    public async Task<FaultRun> RunAsync(InjectedFault fault, IReadOnlyList<TestMessage> messages, string poisonId)
    {
        var run = new FaultRun();
        string queue = "mt-faults-" + Guid.NewGuid().ToString("N");
        IBusControl bus = rabbitMq is null
            ? Bus.Factory.CreateUsingInMemory(cfg => Configure(cfg, queue, fault, run, poisonId))
            : Bus.Factory.CreateUsingRabbitMq(cfg =>
            {
                string[] user = Uri.UnescapeDataString(rabbitMq.Uri.UserInfo).Split(':', 2);
                cfg.Host(rabbitMq.Uri.Host, (ushort)(rabbitMq.Uri.IsDefaultPort ? 5672 : rabbitMq.Uri.Port), "/", h =>
                {
                    h.Username(user[0]);
                    h.Password(user.Length > 1 ? user[1] : string.Empty);
                });
                Configure(cfg, queue, fault, run, poisonId, e =>
                {
                    if (e is IRabbitMqReceiveEndpointConfigurator rabbit)
                    {
                        rabbit.Durable = false;
                        rabbit.AutoDelete = true;
                    }
                });
            });
        bus.ConnectConsumeObserver(new FaultObserver(run));
        using var starting = new CancellationTokenSource(FaultToleranceTests.RunTimeout);
        await bus.StartAsync(starting.Token);
        try
        {
            string address = rabbitMq is null ? $"queue:{queue}" : $"queue:{queue}?durable=false&autodelete=true";
            ISendEndpoint endpoint = await bus.GetSendEndpoint(new Uri(address));
            using var sending = new CancellationTokenSource(FaultToleranceTests.RunTimeout);
            for (int start = 0; start < messages.Count; start += InFlight)
            {
                var sends = new List<Task>(InFlight);
                for (int i = start; i < Math.Min(messages.Count, start + InFlight); i++)
                {
                    sends.Add(endpoint.Send(new FaultProbe(messages[i].Id, messages[i].Payload), sending.Token));
                }

                await Task.WhenAll(sends);
            }

            await Wait.UntilAsync(() => run.Received.Count == messages.Count && run.ApplicationFaultsSurfaced > 0, FaultToleranceTests.RunTimeout, $"{messages.Count} messages on {queue}");
            return run;
        }
        finally
        {
            using var stopping = new CancellationTokenSource(FaultToleranceTests.RunTimeout);
            await bus.StopAsync(stopping.Token);
        }
    }

    private static void Configure(IBusFactoryConfigurator cfg, string queue, InjectedFault fault, FaultRun run, string poisonId, Action<IReceiveEndpointConfigurator>? endpoint = null)
    {
        cfg.UseMessagingTracing(fault.Tracer, o => o.RelationshipSelector = fault.SelectRelationship);
        cfg.ReceiveEndpoint(queue, e =>
        {
            endpoint?.Invoke(e);

            // The poison message's fault is the application's: no _error queue left behind on the shared node.
            e.DiscardFaultedMessages();
            e.Handler<FaultProbe>(context =>
            {
                run.Handle(context.Message.Id, context.Message.Payload, poisonId);
                return Task.CompletedTask;
            });
        });
    }
}
