using System.Diagnostics;

namespace Messaging.Tracing.MassTransit;

/// <summary>
/// The consume filter's mark on a consume context whose delivery it bridged: the span MassTransit then starts for each
/// consumer under the receive span is the process span (see <see cref="BridgedProcessFilter{TConsumer, TMessage}"/>).
/// </summary>
internal sealed class BridgedDelivery
{
    /// <summary>Gets or sets MassTransit's receive span of the delivery.</summary>
    public Activity? Receive { get; set; }
}
