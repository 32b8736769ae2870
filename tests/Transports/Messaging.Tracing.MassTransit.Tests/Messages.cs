namespace Messaging.Tracing.MassTransit.Tests;

// MassTransit rejects message types without a namespace.
public sealed record OrderPlaced(string OrderId);

public sealed record ShipOrder(string OrderId);

// Handled by publishing an OrderPlaced: the next hop of a message.
public sealed record RelayOrder(string OrderId);

public sealed record CheckStock(string Sku);

public sealed record StockLevel(string Sku, int Available);
