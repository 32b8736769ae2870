using System;
using System.Threading;
using System.Threading.Tasks;
using MassTransit;
using Messaging.Tracing.Brokers;
using Messaging.Tracing.MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Messaging.Tracing.Reliability.Tests.Hostile;

/// <summary>
/// A started MassTransit bus with <see cref="HostileOrderConsumer"/> on a unique, temporary endpoint that takes one
/// message at a time, so a sentinel sent after a message is handled only once that message was acknowledged.
/// </summary>
public abstract class HostileBus : IAsyncLifetime
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private ServiceProvider? _provider;
    private IBusControl? _bus;

    public HostileOrderProbe Probe { get; } = new();

    /// <summary>The consumer's endpoint (queue) name.</summary>
    public string Endpoint { get; } = "hostile-" + Guid.NewGuid().ToString("N")[..12];

    public IBus Bus => _bus ?? throw new InvalidOperationException("The bus is not started.");

    public Task<ISendEndpoint> GetEndpointAsync() => Bus.GetSendEndpoint(new Uri($"queue:{Endpoint}?durable=false&autodelete=true"));

    public async Task InitializeAsync()
    {
        await BeforeStartAsync();
        var services = new ServiceCollection();
        services.AddSingleton(Probe);
        services.AddMassTransit(x =>
        {
            x.AddMessagingTracing();
            x.AddConsumer<HostileOrderConsumer>().Endpoint(e =>
            {
                e.Name = Endpoint;
                e.Temporary = true;
                e.PrefetchCount = 1;
                e.ConcurrentMessageLimit = 1;
            });
            Configure(x);
        });
        _provider = services.BuildServiceProvider();
        _bus = _provider.GetRequiredService<IBusControl>();
        using var cancel = new CancellationTokenSource(Timeout);
        await _bus.StartAsync(cancel.Token);
    }

    public async Task DisposeAsync()
    {
        if (_bus is not null)
        {
            using var cancel = new CancellationTokenSource(Timeout);
            await _bus.StopAsync(cancel.Token);
        }

        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }

        await AfterStopAsync();
    }

    protected virtual Task BeforeStartAsync() => Task.CompletedTask;

    protected virtual Task AfterStopAsync() => Task.CompletedTask;

    protected abstract void Configure(IBusRegistrationConfigurator configurator);
}

/// <summary>MassTransit over the shared RabbitMQ broker, traced with <c>UseMessagingTracing</c>.</summary>
public sealed class RabbitMqHostileBus : HostileBus
{
    public RabbitMqBroker Broker { get; } = new();

    protected override Task BeforeStartAsync() => Broker.InitializeAsync();

    protected override Task AfterStopAsync() => Broker.DisposeAsync();

    protected override void Configure(IBusRegistrationConfigurator configurator)
    {
        ArgumentNullException.ThrowIfNull(configurator);
        configurator.UsingRabbitMq((context, cfg) =>
        {
            string[] user = Uri.UnescapeDataString(Broker.Uri.UserInfo).Split(':', 2);
            cfg.Host(Broker.Uri.Host, (ushort)(Broker.Uri.IsDefaultPort ? 5672 : Broker.Uri.Port), "/", h =>
            {
                h.Username(user[0]);
                h.Password(user.Length > 1 ? user[1] : string.Empty);
            });
            cfg.UseMessagingTracing(context);
            cfg.ConfigureEndpoints(context);
        });
    }
}

/// <summary>
/// MassTransit's in-memory transport with only the consume side traced (<see cref="MessagingTracingSpecification"/>):
/// the sender is a foreign producer whose send pipe sets the hostile headers, which the traced send observer of
/// <c>UseMessagingTracing</c> would otherwise replace.
/// </summary>
public sealed class InMemoryHostileBus : HostileBus
{
    protected override void Configure(IBusRegistrationConfigurator configurator)
    {
        ArgumentNullException.ThrowIfNull(configurator);
        configurator.UsingInMemory((context, cfg) =>
        {
            cfg.AddPipeSpecification(new MessagingTracingSpecification(MessagingTracer.Default, new MassTransitTracingOptions()));
            cfg.ConfigureEndpoints(context);
        });
    }
}
