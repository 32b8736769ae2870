using System.Diagnostics;

namespace Messaging.Tracing.MassTransit;

/// <summary>
/// The consume filter's mark on a delivery it bridged: MassTransit's receive span carries it, and the span MassTransit starts
/// for each consumer under it is the process span (see <see cref="BridgedProcessFilter{TConsumer, TMessage}"/>).
/// </summary>
internal sealed class BridgedDelivery(Activity receive)
{
    /// <summary>Gets MassTransit's receive span of the delivery.</summary>
    public Activity Receive { get; } = receive;
}
