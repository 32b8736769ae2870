using System.Diagnostics;
using Messaging.Tracing.Instruments;

namespace Messaging.Tracing.Marten;

/// <summary>What <see cref="AppendTracingListener"/> keeps for a session between its save's start and its commit.</summary>
/// <param name="span">The append span; <see langword="null"/> when nothing listens.</param>
/// <param name="measurement">The append's send measurement.</param>
internal sealed class OpenAppend(Activity? span, MessagingMeasurement measurement)
{
    public Activity? Span { get; } = span;

    public MessagingMeasurement Measurement { get; } = measurement;
}
