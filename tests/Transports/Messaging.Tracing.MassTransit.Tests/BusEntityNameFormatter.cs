using System;
using MassTransit;

namespace Messaging.Tracing.MassTransit.Tests;

/// <summary>
/// Names a test bus's exchanges after its own prefix: no queue of another test's bus, even one that outlived its bus, is
/// bound to the exchange a test publishes to, so each test's trace holds only its own bus.
/// </summary>
public sealed class BusEntityNameFormatter(IEntityNameFormatter inner, string prefix) : IEntityNameFormatter
{
    private readonly IEntityNameFormatter _inner = inner ?? throw new ArgumentNullException(nameof(inner));

    public string FormatEntityName<T>() => $"{prefix}-{_inner.FormatEntityName<T>()}";
}
