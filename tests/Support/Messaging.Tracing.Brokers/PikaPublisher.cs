using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Threading.Tasks;

namespace Messaging.Tracing.Brokers;

/// <summary>
/// A foreign AMQP producer: Python's pika (Debian's <c>python3-pika</c>, installed by <c>eng/brokers.sh</c>) publishing one
/// message whose header values are Python <c>bytes</c>. pika encodes <c>bytes</c> as an AMQP byte array (field type
/// <c>x</c>), as Java's client does with <c>byte[]</c>; RabbitMQ.Client surfaces such a value as <c>BinaryTableValue</c>.
/// </summary>
public static class PikaPublisher
{
    /// <summary>Debian's interpreter, the one <c>python3-pika</c> installs into (a <c>python3</c> on the PATH may be another).</summary>
    public const string Python = "/usr/bin/python3";

    private const string Script = """
        import json, sys
        import pika
        request = json.loads(sys.argv[1])
        connection = pika.BlockingConnection(pika.URLParameters(request["uri"]))
        channel = connection.channel()
        channel.confirm_delivery()
        headers = {name: (value.encode("utf-8") if kind == "bytes" else value) for name, (kind, value) in request["headers"].items()}
        channel.basic_publish(
            exchange=request["exchange"],
            routing_key=request["routingKey"],
            body=request["body"].encode("utf-8"),
            properties=pika.BasicProperties(headers=headers, message_id=request["messageId"], content_type="application/json"),
            mandatory=True)
        connection.close()
        print("published")
        """;

    /// <summary>
    /// Publishes one message with pika and waits for the broker's confirm.
    /// </summary>
    /// <param name="broker">The broker (its URI is given to pika).</param>
    /// <param name="exchange">The exchange; empty for the default exchange.</param>
    /// <param name="routingKey">The routing key (the queue, on the default exchange).</param>
    /// <param name="body">The body, sent as UTF-8.</param>
    /// <param name="bytesHeaders">Headers sent as Python <c>bytes</c> (AMQP byte arrays).</param>
    /// <param name="textHeaders">Headers sent as Python <c>str</c> (AMQP long strings); none when null.</param>
    /// <param name="messageId">The message id property; none when null.</param>
    /// <returns>A task that completes when the broker has confirmed the message.</returns>
    /// <exception cref="BrokerUnavailableException">pika is missing or the publish failed; the message names the cause.</exception>
    public static async Task PublishAsync(
        RabbitMqBroker broker,
        string exchange,
        string routingKey,
        string body,
        IReadOnlyDictionary<string, string> bytesHeaders,
        IReadOnlyDictionary<string, string>? textHeaders = null,
        string? messageId = null)
    {
        ArgumentNullException.ThrowIfNull(broker);
        ArgumentNullException.ThrowIfNull(bytesHeaders);
        var headers = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, string> header in bytesHeaders)
        {
            headers[header.Key] = ["bytes", header.Value];
        }

        foreach (KeyValuePair<string, string> header in textHeaders ?? new Dictionary<string, string>())
        {
            headers[header.Key] = ["str", header.Value];
        }

        string request = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["uri"] = broker.Uri.ToString(),
            ["exchange"] = exchange,
            ["routingKey"] = routingKey,
            ["body"] = body,
            ["messageId"] = messageId,
            ["headers"] = headers,
        });
        (int exitCode, string output) = await CommandLine.RunAsync(
            Python,
            ["-c", Script, request],
            new Dictionary<string, string>(),
            TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        if (exitCode != 0 || !output.Contains("published", StringComparison.Ordinal))
        {
            throw new BrokerUnavailableException(
                $"pika could not publish to {broker.DisplayAddress} (exit {exitCode}); run eng/brokers.sh, which installs python3-pika. Output:{Environment.NewLine}{Shorten(output)}");
        }
    }

    private static string Shorten(string output) =>
        output.Length <= 4000 ? output : string.Concat(output.AsSpan(0, 4000), "…");
}
