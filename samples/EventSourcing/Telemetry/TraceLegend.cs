using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace EventSourcing.Telemetry;

/// <summary>The legend printed before the stories: what the trees and bars mean, and each mark the stories use.</summary>
public static class TraceLegend
{
    private static readonly (string Mark, string Shown, string Meaning)[] Marks =
    [
        ("── ", "├── └──", "child of the span above, which called it and waited for it to end (same trace)"),
        ("┄┄ ", "├┄┄ └┄┄", "follows from the span above: caused by it through a queue, a topic or the event store,\n"
            + "without it waiting (same trace: a child with a link marked opentracing.ref_type=follows_from,\n"
            + "which Jaeger shows as a FOLLOWS_FROM reference)"),
        ("[new trace]", "[new trace]", "starts a trace of its own, linked (follows_from) to the span above"),
        ("[linked]", "[linked]", "follows from a span outside this tree, through a link only; the note on its right names it"),
        ("[unsampled]", "[unsampled]", "not recorded (sampled out); its context still travels on"),
        ("[parent not collected]", "[parent not collected]", "its parent span was not collected (another process, or not listened to)"),
        ("✗ ", "✗ error.type", "failed, with the span's error.type"),
        ("↪ Later", "↪ Later, request …", "work that followed from this story later, drawn in that request's story"),
    ];

    /// <summary>Writes the legend for the given drawings (<see cref="Messaging.Tracing.Testing.TraceTree.RenderTimeline(int)"/>).</summary>
    /// <param name="output">Where to.</param>
    /// <param name="drawn">The drawn stories and the notes printed under them.</param>
    public static void Write(TextWriter output, IReadOnlyList<string> drawn)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(drawn);
        output.WriteLine();
        output.WriteLine("How to read the stories below. Each request has one: what the request caused, drawn as a tree of spans");
        output.WriteLine("(the operations a tracing tool records), each with a bar showing when it ran.");
        Entry(output, "POST /bands (server)", "a span: its name and kind. server: an HTTP request handled; producer: a message sent\n"
            + "or events appended; consumer: a message or an event processed; internal: a step in a handler");
        foreach ((string mark, string shown, string meaning) in Marks)
        {
            if (drawn.Any(text => text.Contains(mark, StringComparison.Ordinal)))
            {
                Entry(output, shown, meaning);
            }
        }

        Entry(output, "│  ███    │ 2.5 ms", "when the span ran and how long it took, on the scale above the tree (0: the request's start)");
    }

    private static void Entry(TextWriter output, string shown, string meaning)
    {
        string[] lines = meaning.Split('\n');
        output.WriteLine($"  {shown,-22} {lines[0]}");
        foreach (string line in lines.Skip(1))
        {
            output.WriteLine($"  {string.Empty,-22} {line}");
        }
    }
}
