using System;

namespace Messaging.Tracing.Benchmarks.Marten;

/// <summary>The aggregate the Marten cases start their streams as (the append span is named after it: <c>append Order</c>).</summary>
public sealed class Order
{
    /// <summary>Gets or sets the stream id.</summary>
    public Guid Id { get; set; }
}
