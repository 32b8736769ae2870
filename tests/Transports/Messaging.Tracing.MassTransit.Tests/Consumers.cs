using System;
using System.Threading.Tasks;
using MassTransit;

namespace Messaging.Tracing.MassTransit.Tests;

public sealed class OrderPlacedConsumer(HandlerProbe probe) : IConsumer<OrderPlaced>
{
    public Task Consume(ConsumeContext<OrderPlaced> context)
    {
        probe.Record(nameof(OrderPlacedConsumer), context);
        return Task.CompletedTask;
    }
}

public sealed class ShipOrderConsumer(HandlerProbe probe) : IConsumer<ShipOrder>
{
    public Task Consume(ConsumeContext<ShipOrder> context)
    {
        probe.Record(nameof(ShipOrderConsumer), context);
        return context.Message.OrderId.StartsWith("fail", StringComparison.Ordinal)
            ? throw new InvalidOperationException($"cannot ship {context.Message.OrderId}")
            : Task.CompletedTask;
    }
}

public sealed class RelayOrderConsumer(HandlerProbe probe) : IConsumer<RelayOrder>
{
    public Task Consume(ConsumeContext<RelayOrder> context)
    {
        probe.Record(nameof(RelayOrderConsumer), context);
        return context.Publish(new OrderPlaced(context.Message.OrderId));
    }
}

public sealed class CheckStockConsumer(HandlerProbe probe) : IConsumer<CheckStock>
{
    public Task Consume(ConsumeContext<CheckStock> context)
    {
        probe.Record(nameof(CheckStockConsumer), context);
        return context.RespondAsync(new StockLevel(context.Message.Sku, 7));
    }
}
