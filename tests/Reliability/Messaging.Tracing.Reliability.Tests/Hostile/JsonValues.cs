using System;
using System.Linq;
using Xunit;

namespace Messaging.Tracing.Reliability.Tests.Hostile;

/// <summary>Values of every JSON type, as a foreign writer may put them in a <c>jsonb</c> header object (Marten's <c>mt_events.headers</c>).</summary>
public static class JsonValues
{
    /// <summary>Members of the huge object and elements of the huge array.</summary>
    public const int HugeCount = 100_000;

    /// <summary>Depth of the deeply nested array: deeper than System.Text.Json's default maximum (64), well within PostgreSQL's.</summary>
    public const int DeepNesting = 200;

    /// <summary>The kind that holds a W3C value as it should be: a JSON string.</summary>
    public const string Text = "string";

    /// <summary>Every kind, by name.</summary>
    public static readonly string[] Kinds = ["integer", "float", "huge-float", "true", "false", "null", "object", "array", "empty-object", "empty-array", "huge-object", "huge-array", Text];

    public static TheoryData<string, string> KindsAndHeaders()
    {
        var data = new TheoryData<string, string>();
        foreach (string header in new[] { "traceparent", "tracestate", "baggage" })
        {
            foreach (string kind in Kinds)
            {
                data.Add(kind, header);
            }
        }

        return data;
    }

    /// <summary>JSON text of <paramref name="kind"/>; the string kind, and the object and array kinds inside, hold <paramref name="text"/>.</summary>
    /// <param name="kind">One of <see cref="Kinds"/>, or <c>deep-array</c>.</param>
    /// <param name="text">The W3C value.</param>
    /// <returns>The JSON text.</returns>
    public static string Create(string kind, string text) => kind switch
    {
        "integer" => "42",
        "float" => "4.2",
        "huge-float" => "1e308",
        "true" => "true",
        "false" => "false",
        "null" => "null",
        "object" => $"{{\"value\":{JsonText.Quote(text)},\"nested\":{{\"n\":1,\"value\":{JsonText.Quote(text)}}}}}",
        "array" => $"[{JsonText.Quote(text)},{JsonText.Quote(text)},7,null]",
        "empty-object" => "{}",
        "empty-array" => "[]",
        "huge-object" => "{" + string.Join(',', Enumerable.Range(0, HugeCount).Select(i => $"\"k{i}\":{JsonText.Quote(text)}")) + "}",
        "huge-array" => "[" + string.Join(',', Enumerable.Repeat(JsonText.Quote(text), HugeCount)) + "]",
        "deep-array" => new string('[', DeepNesting) + JsonText.Quote(text) + new string(']', DeepNesting),
        Text => JsonText.Quote(text),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown JSON kind."),
    };
}
