using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using MassTransit;
using Messaging.Tracing.Brokers;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;

namespace Messaging.Tracing.MassTransit.Tests;

/// <summary>A started MassTransit bus with the test consumers on unique, temporary endpoints.</summary>
public sealed class TestBus : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    // The test consumers: each bus has one endpoint (queue) per consumer.
    private static readonly string[] Consumers =
        [nameof(OrderPlacedConsumer), nameof(ShipOrderConsumer), nameof(RelayOrderConsumer), nameof(CheckStockConsumer)];

    private readonly ServiceProvider _provider;
    private readonly IBusControl _bus;
    private readonly RabbitMqBroker? _rabbitMq;

    private TestBus(ServiceProvider provider, RabbitMqBroker? rabbitMq)
    {
        _provider = provider;
        _rabbitMq = rabbitMq;
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

    /// <summary>The address of a test consumer's queue; it matches the temporary queue's properties, which RabbitMQ checks.</summary>
    public Uri AddressOf<TConsumer>() => new($"queue:{EndpointOf<TConsumer>()}?durable=false&autodelete=true");

    public Task<ISendEndpoint> GetEndpointAsync<TConsumer>() => _bus.GetSendEndpoint(AddressOf<TConsumer>());

    /// <summary>
    /// The exchange this bus publishes a message type to: on RabbitMQ, named after the bus (<see cref="BusEntityNameFormatter"/>).
    /// </summary>
    public string ExchangeOf<TMessage>()
        where TMessage : class => _bus.Topology.Message<TMessage>().EntityName;

    public async ValueTask DisposeAsync()
    {
        // Named before the bus stops, while its topology answers.
        string[] exchanges = _rabbitMq is null ? [] : [.. Exchanges()];
        try
        {
            using var cancel = new CancellationTokenSource(Timeout);
            await _bus.StopAsync(cancel.Token);
            await _provider.DisposeAsync();
        }
        finally
        {
            if (_rabbitMq is not null)
            {
                // The bus's queues (durable ones and their _error queues too) and its exchanges are deleted once the bus has
                // stopped: deleted while it runs, MassTransit declares them again. Deleting what is gone is a no-op.
                await using IChannel channel = await _rabbitMq.CreateChannelAsync();
                foreach (string consumer in Consumers)
                {
                    await channel.QueueDeleteAsync($"{Prefix}-{consumer}", ifUnused: false, ifEmpty: false);
                    await channel.QueueDeleteAsync($"{Prefix}-{consumer}_error", ifUnused: false, ifEmpty: false);
                }

                foreach (string exchange in exchanges)
                {
                    await channel.ExchangeDeleteAsync(exchange, ifUnused: false);
                }
            }
        }
    }

    // MassTransit's exchanges for a bus: one per endpoint (and its _error queue), one per message type and per fault of it.
    private IEnumerable<string> Exchanges()
    {
        foreach (string consumer in Consumers)
        {
            yield return $"{Prefix}-{consumer}";
            yield return $"{Prefix}-{consumer}_error";
        }

        yield return ExchangeOf<Fault>();
        yield return ExchangeOf<OrderPlaced>();
        yield return ExchangeOf<Fault<OrderPlaced>>();
        yield return ExchangeOf<ShipOrder>();
        yield return ExchangeOf<Fault<ShipOrder>>();
        yield return ExchangeOf<RelayOrder>();
        yield return ExchangeOf<Fault<RelayOrder>>();
        yield return ExchangeOf<CheckStock>();
        yield return ExchangeOf<Fault<CheckStock>>();
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
                x.AddMessagingTracing(setup.Tracing);
            }

            if (setup.Endpoint is { } endpoint)
            {
                x.AddConfigureEndpointsCallback((_, cfg) => endpoint(cfg));
            }

            x.AddConsumer<OrderPlacedConsumer>().Endpoint(e => Name(e, prefix, nameof(OrderPlacedConsumer), setup.TemporaryEndpoints));
            x.AddConsumer<ShipOrderConsumer>().Endpoint(e => Name(e, prefix, nameof(ShipOrderConsumer), setup.TemporaryEndpoints));
            x.AddConsumer<RelayOrderConsumer>().Endpoint(e => Name(e, prefix, nameof(RelayOrderConsumer), setup.TemporaryEndpoints));
            x.AddConsumer<CheckStockConsumer>().Endpoint(e => Name(e, prefix, nameof(CheckStockConsumer), setup.TemporaryEndpoints));

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
                    cfg.MessageTopology.SetEntityNameFormatter(new BusEntityNameFormatter(cfg.MessageTopology.EntityNameFormatter, prefix));
                    Configure(cfg, context, setup);
                    cfg.ConfigureEndpoints(context);
                });
            }
        });

        ServiceProvider provider = services.BuildServiceProvider();
        var bus = new TestBus(provider, rabbitMq) { Prefix = prefix };
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

    private static void Name(IEndpointRegistrationConfigurator endpoint, string prefix, string consumer, bool temporary)
    {
        endpoint.Name = $"{prefix}-{consumer}";
        endpoint.Temporary = temporary;
    }
}

/// <summary>How a test bus is configured.</summary>
public sealed class BusSetup
{
    /// <summary>Gets or sets a value indicating whether the bus uses Messaging.Tracing.</summary>
    public bool Traced { get; set; } = true;

    /// <summary>Gets or sets the configuration of the registered tracer (<c>x.AddMessagingTracing</c>).</summary>
    public Action<MessagingTracingOptions>? Tracing { get; set; }

    public Action<MassTransitTracingOptions>? Options { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether endpoints are temporary (deleted with the bus). MassTransit makes a temporary
    /// endpoint's <c>_error</c> queue exclusive to its connection; a test that reads it uses durable endpoints (the bus
    /// deletes them when disposed).
    /// </summary>
    public bool TemporaryEndpoints { get; set; } = true;

    /// <summary>Gets or sets bus configuration applied before <c>UseMessagingTracing</c> (an outer filter, e.g. retry).</summary>
    public Action<IBusFactoryConfigurator>? BeforeTracing { get; set; }

    /// <summary>Gets or sets configuration applied to each consumer's receive endpoint (e.g. a raw JSON deserializer).</summary>
    public Action<IReceiveEndpointConfigurator>? Endpoint { get; set; }
}
