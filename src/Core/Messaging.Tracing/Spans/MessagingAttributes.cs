namespace Messaging.Tracing.Spans;

/// <summary>
/// Attribute names of the OpenTelemetry messaging semantic conventions (v1.3x–1.44) and the OpenTracing
/// compatibility rule this library uses.
/// </summary>
public static class MessagingAttributes
{
    /// <summary><c>messaging.system</c>: kafka, rabbitmq, redis, ….</summary>
    public const string System = "messaging.system";

    /// <summary><c>messaging.operation.type</c>: create, send, receive, process, settle.</summary>
    public const string OperationType = "messaging.operation.type";

    /// <summary><c>messaging.operation.name</c>: the system-specific operation name.</summary>
    public const string OperationName = "messaging.operation.name";

    /// <summary><c>messaging.destination.name</c>: topic, queue, exchange, stream.</summary>
    public const string DestinationName = "messaging.destination.name";

    /// <summary>
    /// <c>messaging.destination.template</c>: the low-cardinality name of a family of destinations (a stream per aggregate
    /// has its aggregate type), which metrics carry instead of the per-entity name.
    /// </summary>
    public const string DestinationTemplate = "messaging.destination.template";

    /// <summary><c>messaging.message.id</c>.</summary>
    public const string MessageId = "messaging.message.id";

    /// <summary><c>messaging.message.conversation_id</c>: the correlation id.</summary>
    public const string ConversationId = "messaging.message.conversation_id";

    /// <summary><c>messaging.consumer.group.name</c>.</summary>
    public const string ConsumerGroupName = "messaging.consumer.group.name";

    /// <summary><c>messaging.batch.message_count</c>.</summary>
    public const string BatchMessageCount = "messaging.batch.message_count";

    /// <summary><c>messaging.client.id</c>.</summary>
    public const string ClientId = "messaging.client.id";

    /// <summary><c>error.type</c>: the exception's full type name.</summary>
    public const string ErrorType = "error.type";

    /// <summary><c>opentracing.ref_type</c> on a link: <c>follows_from</c> (OpenTelemetry's OpenTracing compatibility rules).</summary>
    public const string OpenTracingRefType = "opentracing.ref_type";

    /// <summary>The <see cref="OpenTracingRefType"/> value of a FollowsFrom link.</summary>
    public const string FollowsFrom = "follows_from";
}
