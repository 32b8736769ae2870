namespace Messaging.Tracing.RabbitMQ;

/// <summary>RabbitMQ attribute names and values of the OpenTelemetry messaging semantic conventions.</summary>
public static class RabbitMqAttributes
{
    /// <summary>The <c>messaging.system</c> value.</summary>
    public const string SystemName = "rabbitmq";

    /// <summary>
    /// The exchange part of a destination name when a message goes through the default exchange (the empty name), as
    /// the conventions ask.
    /// </summary>
    public const string DefaultExchangeName = "amq.default";

    /// <summary><c>messaging.rabbitmq.destination.routing_key</c>: set when the routing key is not empty.</summary>
    public const string RoutingKey = "messaging.rabbitmq.destination.routing_key";

    /// <summary><c>messaging.rabbitmq.message.delivery_tag</c>: on process spans.</summary>
    public const string DeliveryTag = "messaging.rabbitmq.message.delivery_tag";

    /// <summary><c>messaging.message.body.size</c>: the body's length in bytes.</summary>
    public const string BodySize = "messaging.message.body.size";

    /// <summary>
    /// The <c>error.type</c> of a publish whose mandatory message the broker returned (<c>basic.return</c>, no queue bound),
    /// on every supported RabbitMQ.Client version: 7.2 throws a <c>PublishReturnException</c>, 7.1 a <c>PublishException</c>
    /// with <c>IsReturn</c>, which would otherwise give different values. A nack keeps <c>RabbitMQ.Client.Exceptions.PublishException</c>.
    /// </summary>
    public const string ReturnedErrorType = "RabbitMQ.Client.Exceptions.PublishReturnException";
}
