using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using MassTransit;
using Messaging.Tracing.Brokers;

namespace Messaging.Tracing.Reliability.Tests.Trust;

/// <summary>
/// MassTransit over RabbitMQ: a bus with one receive endpoint per subscriber, all subscribed to <see cref="PartnerOrder"/>.
/// The bus's tracer and each endpoint's trust are fixed when the bus starts (trust per endpoint through
/// <see cref="Messaging.Tracing.MassTransit.MassTransitTracingOptions.TrustSelector"/>); a send with another tracer goes
/// through a second bus, as from another service.
/// </summary>
public sealed class MassTransitWire : Wire
{
    private readonly RabbitMqBroker _broker;
    private readonly MessagingTracer _tracer;
    private readonly bool?[] _trust;
    private readonly string _prefix = "trust-mt-" + Guid.NewGuid().ToString("N")[..10];
    private readonly TaskCompletionSource<Func<IReadOnlyList<KeyValuePair<string, byte[]>>, Task>>[] _handlers;
    private readonly TaskCompletionSource[] _handled;
    private IBusControl? _bus;

    private MassTransitWire(RabbitMqBroker broker, MessagingTracer tracer, bool?[] trust)
    {
        _broker = broker;
        _tracer = tracer;
        _trust = trust;
        _handlers = [.. trust.Select(_ => new TaskCompletionSource<Func<IReadOnlyList<KeyValuePair<string, byte[]>>, Task>>(TaskCreationOptions.RunContinuationsAsynchronously))];
        _handled = [.. trust.Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously))];
    }

    public override string Name => $"masstransit {_prefix}";

    /// <summary>Starts the bus: subscriber i trusts senders as <paramref name="trust"/>[i] says (the tracer's setting when null).</summary>
    public static async Task<MassTransitWire> CreateAsync(RabbitMqBroker broker, MessagingTracer tracer, params bool?[] trust)
    {
        var wire = new MassTransitWire(broker, tracer, trust);
        wire._bus = wire.CreateBus(tracer, receive: true);
        using var cancel = new CancellationTokenSource(Timeout);
        await wire._bus.StartAsync(cancel.Token);
        return wire;
    }

    public override async Task SendAsync(MessagingTracer tracer)
    {
        if (ReferenceEquals(tracer, _tracer))
        {
            await _bus!.Publish(new PartnerOrder("1"));
            return;
        }

        IBusControl sender = CreateBus(tracer, receive: false);
        using var cancel = new CancellationTokenSource(Timeout);
        await sender.StartAsync(cancel.Token);
        try
        {
            await sender.Publish(new PartnerOrder("1"));
        }
        finally
        {
            await sender.StopAsync(cancel.Token);
        }
    }

    public override Task SendRawAsync(IReadOnlyList<KeyValuePair<string, byte[]>> headers) =>
        throw new NotSupportedException("A MassTransit bus always writes its own envelope; send raw headers on another wire.");

    public override async Task ProcessOneAsync(MessagingTracer tracer, bool? trusted, int subscriber, Func<IReadOnlyList<KeyValuePair<string, byte[]>>, Task> handler)
    {
        if (!ReferenceEquals(tracer, _tracer) || trusted != _trust[subscriber])
        {
            throw new InvalidOperationException("A MassTransit endpoint's tracer and trust are fixed when its bus starts.");
        }

        _handlers[subscriber].SetResult(handler);
        await _handled[subscriber].Task.WaitAsync(Timeout);
    }

    public override Task<IReadOnlyList<KeyValuePair<string, byte[]>>> ReadRawAsync() =>
        throw new NotSupportedException("Read the raw wire on a plain transport.");

    public override async ValueTask DisposeAsync()
    {
        if (_bus is not null)
        {
            using var cancel = new CancellationTokenSource(Timeout);
            await _bus.StopAsync(cancel.Token);
        }
    }

    private IBusControl CreateBus(MessagingTracer tracer, bool receive) => Bus.Factory.CreateUsingRabbitMq(cfg =>
    {
        string[] user = Uri.UnescapeDataString(_broker.Uri.UserInfo).Split(':', 2);
        cfg.Host(_broker.Uri.Host, (ushort)(_broker.Uri.IsDefaultPort ? 5672 : _broker.Uri.Port), "/", h =>
        {
            h.Username(user[0]);
            h.Password(user.Length > 1 ? user[1] : string.Empty);
        });
        // An exchange of this wire's own: no endpoint of another test's bus takes its message.
        cfg.Message<PartnerOrder>(m => m.SetEntityName($"{_prefix}-PartnerOrder"));
        cfg.UseMessagingTracing(tracer, options => options.TrustSelector = context => TrustOf(context.ReceiveContext.InputAddress));
        if (!receive)
        {
            return;
        }

        for (int i = 0; i < _trust.Length; i++)
        {
            int subscriber = i;
            cfg.ReceiveEndpoint($"{_prefix}-{subscriber}", endpoint =>
            {
                endpoint.AutoDelete = true;
                endpoint.Durable = false;
                endpoint.Handler<PartnerOrder>(context => HandleAsync(subscriber, context));
            });
        }
    });

    private bool? TrustOf(Uri endpoint)
    {
        for (int i = 0; i < _trust.Length; i++)
        {
            if (endpoint.AbsolutePath.EndsWith($"/{_prefix}-{i}", StringComparison.Ordinal))
            {
                return _trust[i];
            }
        }

        return null;
    }

    private async Task HandleAsync(int subscriber, ConsumeContext<PartnerOrder> context)
    {
        try
        {
            Func<IReadOnlyList<KeyValuePair<string, byte[]>>, Task> handler = await _handlers[subscriber].Task.WaitAsync(Timeout);
            IReadOnlyList<KeyValuePair<string, byte[]>> raw =
                [.. context.Headers.GetAll().Select(h => new KeyValuePair<string, byte[]>(h.Key, h.Value as byte[] ?? Encoding.UTF8.GetBytes(h.Value?.ToString() ?? string.Empty)))];
            await handler(raw);
            _handled[subscriber].TrySetResult();
        }
        catch (Exception ex)
        {
            _handled[subscriber].TrySetException(ex);
        }
    }
}
