using System;
using System.Collections.Generic;
using System.Text;
using RabbitMQ.Client;
using Xunit;

namespace Messaging.Tracing.Reliability.Tests.Hostile;

/// <summary>Values of every AMQP 0-9-1 field type RabbitMQ.Client writes, as a foreign producer may put them in a header table.</summary>
public static class AmqpValues
{
    /// <summary>The types that can hold a W3C value (a long string, as text or bytes).</summary>
    public static readonly string[] TextTypes = ["string", "bytes"];

    /// <summary>Every type, by name.</summary>
    public static readonly string[] Types = ["int", "long", "short", "byte", "bool", "decimal", "double", "float", "timestamp", "table", "list", "null", "string", "bytes"];

    public static TheoryData<string, string> TypesAndHeaders()
    {
        var data = new TheoryData<string, string>();
        foreach (string header in new[] { "traceparent", "tracestate", "baggage" })
        {
            foreach (string type in Types)
            {
                data.Add(type, header);
            }
        }

        return data;
    }

    /// <summary>A value of <paramref name="type"/>; for the text types, <paramref name="text"/> itself.</summary>
    public static object? Create(string type, string text) => type switch
    {
        "int" => 42,
        "long" => 4_200_000_000_000L,
        "short" => (short)42,
        "byte" => (byte)42,
        "bool" => true,
        "decimal" => 4.2m,
        "double" => 4.2d,
        "float" => 4.2f,
        "timestamp" => new AmqpTimestamp(1_700_000_000),
        "table" => new Dictionary<string, object?> { ["value"] = Encoding.UTF8.GetBytes(text), ["nested"] = new Dictionary<string, object?> { ["n"] = 1 } },
        "list" => new List<object?> { Encoding.UTF8.GetBytes(text), Encoding.UTF8.GetBytes(text), 7, null },
        "null" => null,
        "string" => text,
        "bytes" => Encoding.UTF8.GetBytes(text),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown AMQP type."),
    };
}
