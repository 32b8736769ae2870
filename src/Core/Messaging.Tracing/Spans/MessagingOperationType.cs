namespace Messaging.Tracing.Spans;

/// <summary>The <c>messaging.operation.type</c> values of the OpenTelemetry messaging semantic conventions.</summary>
public enum MessagingOperationType
{
    /// <summary>A message is created (for a later send or a batch send). Producer span.</summary>
    Create,

    /// <summary>One or more messages are sent or published. Producer span.</summary>
    Send,

    /// <summary>One or more messages are requested by a consumer (pull). Client span.</summary>
    Receive,

    /// <summary>One or more messages are processed by a consumer. Consumer span.</summary>
    Process,

    /// <summary>One or more messages are settled (ack, nack, commit). Client span.</summary>
    Settle,
}
