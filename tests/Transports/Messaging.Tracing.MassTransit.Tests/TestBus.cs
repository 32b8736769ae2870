using System;
using System.Threading;
using System.Threading.Tasks;
using MassTransit;
using Messaging.Tracing.Brokers;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.Tracing.MassTransit.Tests;

/// <summary>A started MassTransit bus with the test consumers on unique, temporary endpoints.</summary>
public sealed class TestBus : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly ServiceProvider _provider;
    private readonly IBusControl _bus;

    private TestBus(ServiceProvider provider)
    {
        _provider = provider;
        _bus = provider.GetRequiredService<IBusControl>();
        Probe = provider.GetRequiredService<HandlerProbe>();
    }

    public IBus Bus => _bus;

    public HandlerProbe Probe { get; }

    public string Prefix { get; private init; } = string.Empty;

    /// <summary>The endpoint (queue) name of a test consumer.</summary>
    public string EndpointOf<TConsumer>() => $"{Prefix}-{typeof(TConsumer).Name}";

    public static Task<TestBus> StartInMemoryAsync(BusSetup? setup = null) => StartAsync(setup ?? new BusSetup(), rabbitMq: null);

    public static Task<TestBus> StartRabbitMqAsync(RabbitMqBroker broker, BusSetup? setup = null) => StartAsync(setup ?? new BusSetup(), broker);

    public Task<ISendEndpoint> GetEndpointAsync<TConsumer>() =>
        _bus.GetSendEndpoint(new Uri($"queue:{EndpointOf<TConsumer>()}"));

    public async ValueTask DisposeAsync()
    {
        using var cancel = new CancellationTokenSource(Timeout);
        await _bus.StopAsync(cancel.Token);
        await _provider.DisposeAsync();
    }

    private static async Task<TestBus> StartAsync(BusSetup setup, RabbitMqBroker? rabbitMq)
    {
        string prefix = "mt-" + Guid.NewGuid().ToString("N")[..10];
        var services = new ServiceCollection();
        services.AddSingleton<HandlerProbe>();
        services.AddMassTransit(x =>
        {
            if (setup.Traced)
            {
                x.AddMessagingTracing();
            }

            x.AddConsumer<OrderPlacedConsumer>().Endpoint(e => Temporary(e, prefix, nameof(OrderPlacedConsumer)));
            x.AddConsumer<ShipOrderConsumer>().Endpoint(e => Temporary(e, prefix, nameof(ShipOrderConsumer)));
            x.AddConsumer<CheckStockConsumer>().Endpoint(e => Temporary(e, prefix, nameof(CheckStockConsumer)));

            if (rabbitMq is null)
            {
                x.UsingInMemory((context, cfg) =>
                {
                    Configure(cfg, context, setup);
                    cfg.ConfigureEndpoints(context);
                });
            }
            else
            {
                x.UsingRabbitMq((context, cfg) =>
                {
                    string[] user = Uri.UnescapeDataString(rabbitMq.Uri.UserInfo).Split(':', 2);
                    cfg.Host(rabbitMq.Uri.Host, (ushort)(rabbitMq.Uri.IsDefaultPort ? 5672 : rabbitMq.Uri.Port), "/", h =>
                    {
                        h.Username(user[0]);
                        h.Password(user.Length > 1 ? user[1] : string.Empty);
                    });
                    Configure(cfg, context, setup);
                    cfg.ConfigureEndpoints(context);
                });
            }
        });

        ServiceProvider provider = services.BuildServiceProvider();
        var bus = new TestBus(provider) { Prefix = prefix };
        using var cancel = new CancellationTokenSource(Timeout);
        await bus._bus.StartAsync(cancel.Token);
        return bus;
    }

    private static void Configure(IBusFactoryConfigurator cfg, IBusRegistrationContext context, BusSetup setup)
    {
        setup.BeforeTracing?.Invoke(cfg);
        if (setup.Traced)
        {
            cfg.UseMessagingTracing(context, setup.Options);
        }
    }

    private static void Temporary(IEndpointRegistrationConfigurator endpoint, string prefix, string consumer)
    {
        endpoint.Name = $"{prefix}-{consumer}";
        endpoint.Temporary = true;
    }
}

/// <summary>How a test bus is configured.</summary>
public sealed class BusSetup
{
    /// <summary>Gets or sets a value indicating whether the bus uses Messaging.Tracing.</summary>
    public bool Traced { get; set; } = true;

    public Action<MassTransitTracingOptions>? Options { get; set; }

    /// <summary>Gets or sets bus configuration applied before <c>UseMessagingTracing</c> (an outer filter, e.g. retry).</summary>
    public Action<IBusFactoryConfigurator>? BeforeTracing { get; set; }
}
