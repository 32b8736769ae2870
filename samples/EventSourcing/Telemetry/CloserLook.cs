using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using EventSourcing.EventStore;
using Messaging.Tracing.Propagation;
using Messaging.Tracing.Spans;

namespace EventSourcing.Telemetry;

/// <summary>
/// Printed once, after the story of the request that appended the example event: the event's stored metadata (what a
/// projection or a replay restores the trace from) and every attribute and reference of one span (what Jaeger shows),
/// each value tied to where it comes from in the story.
/// </summary>
public static class CloserLook
{
    private const int KeyWidth = 20;

    // The order the metadata is explained in: the trace context first, then the ids; anything else after them.
    private static readonly string[] MetadataOrder = ["traceparent", "tracestate", "baggage", "correlation-id", "causation-id"];

    /// <summary>Writes the closer look.</summary>
    /// <param name="output">Where to.</param>
    /// <param name="stored">The event, as read back from the event store.</param>
    /// <param name="story">The story it belongs to.</param>
    /// <param name="stories">Every story.</param>
    /// <param name="byContext">Every collected span by its trace and span id.</param>
    public static void Write(TextWriter output, StoredEvent stored, RequestStory story, IReadOnlyList<RequestStory> stories, IReadOnlyDictionary<(ActivityTraceId, ActivitySpanId), Activity> byContext)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(story);
        ArgumentNullException.ThrowIfNull(stories);
        ArgumentNullException.ThrowIfNull(byContext);
        output.WriteLine();
        output.WriteLine(TraceReport.Rule($"── A closer look at request {story.Number} "));
        output.WriteLine($"The {stored.Type} event as the event store keeps it (stream {stored.StreamId}, version {stored.Version}), its metadata:");
        foreach ((string key, string value) in stored.Metadata
            .OrderBy(m => Array.IndexOf(MetadataOrder, m.Key) is var i and >= 0 ? i : MetadataOrder.Length)
            .ThenBy(m => m.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {key,-16}{value}");
            if (Origin(key, value, story) is { } origin)
            {
                output.WriteLine($"  {string.Empty,-16}= {origin}");
            }
        }

        // The story (a replay) with a span that follows from the span whose context the event stored, in a new trace.
        RequestStory? replay = TraceParentCodec.TryParse(stored.Metadata.GetValueOrDefault("traceparent"), out ActivityContext appended)
            ? stories.FirstOrDefault(other => other.Spans.Any(s => s.TraceId != appended.TraceId && s.Links.Any(l =>
                SpanLinks.IsFollowsFrom(l) && l.Context.TraceId == appended.TraceId && l.Context.SpanId == appended.SpanId)))
            : null;
        string replayNote = replay is null ? "." : $", as request {replay.Number} does below.";
        bool marten = story.Spans.Any(s => s.GetTagItem(MessagingAttributes.System) as string == "marten");
        if (marten)
        {
            output.WriteLine("The subscriptions on Marten's daemon continue the trace from this metadata, following from the append; a");
            output.WriteLine($"rebuild starts a new trace linked to it{replayNote}");
        }
        else
        {
            output.WriteLine("Live subscribers continue the trace from the Kafka message's headers (the context of the send span that");
            output.WriteLine($"published it); a replay restores it from this metadata{replayNote}");
        }

        Activity? span = story.Spans
            .Where(s => s.Kind == ActivityKind.Consumer && s.GetTagItem(MessagingAttributes.System) as string == (marten ? "marten" : "kafka"))
            .OrderBy(Receiver, StringComparer.Ordinal)
            .FirstOrDefault();
        if (span is not null)
        {
            WriteSpan(output, span, story, byContext);
        }
    }

    /// <summary>Who received the event: the Kafka consumer group, or the Marten subscription (the span's destination).</summary>
    private static string? Receiver(Activity span) =>
        span.GetTagItem(MessagingAttributes.ConsumerGroupName) as string ?? span.GetTagItem(MessagingAttributes.DestinationName) as string;

    private static void WriteSpan(TextWriter output, Activity span, RequestStory story, IReadOnlyDictionary<(ActivityTraceId, ActivitySpanId), Activity> byContext)
    {
        output.WriteLine();
        output.WriteLine($"One span as Jaeger shows it: {span.DisplayName} ({span.Kind.ToString().ToLowerInvariant()}), where {Receiver(span)} received the event");
        Line(output, "trace id", span.TraceId.ToHexString());
        Line(output, "span id", span.SpanId.ToHexString());
        if (span.ParentSpanId != default)
        {
            Line(output, "references", $"CHILD_OF {span.ParentSpanId} ({NameOf(span.TraceId, span.ParentSpanId, byContext)}): its parent");
        }

        foreach (ActivityLink link in span.Links)
        {
            string linkTags = string.Join(", ", (link.Tags ?? []).Select(t => $"{t.Key}={t.Value}"));
            string kind = SpanLinks.IsFollowsFrom(link) ? "FOLLOWS_FROM" : "link to";
            Line(output, span.ParentSpanId == default ? "references" : string.Empty, $"{kind} {link.Context.SpanId} ({NameOf(link.Context.TraceId, link.Context.SpanId, byContext)}): a link{(linkTags.Length > 0 ? " with " + linkTags : string.Empty)}");
        }

        Line(output, "start, duration", string.Create(
            CultureInfo.InvariantCulture,
            $"{(span.StartTimeUtc - story.Request.StartTimeUtc).TotalMilliseconds:0.0} ms after the request arrived, {span.Duration.TotalMilliseconds:0.0} ms"));
        Line(output, "status", span.Status == ActivityStatusCode.Unset ? "unset (no error)" : span.Status.ToString());
        List<KeyValuePair<string, object?>> tags = span.TagObjects.OrderBy(t => t.Key, StringComparer.Ordinal).ToList();
        int width = tags.Max(t => t.Key.Length) + 2;
        for (int i = 0; i < tags.Count; i++)
        {
            Line(output, i == 0 ? "attributes" : string.Empty, tags[i].Key.PadRight(width) + Convert.ToString(tags[i].Value, CultureInfo.InvariantCulture));
        }
    }

    // The two trace flags of W3C Trace Context Level 2: sampled (01) and random trace id (02, ActivityTraceFlags.RandomTraceId
    // from System.Diagnostics.DiagnosticSource 11).
    private static string Flags(ActivityTraceFlags flags) =>
        ((flags & ActivityTraceFlags.Recorded) != 0 ? "sampled" : "not sampled") + ((flags & (ActivityTraceFlags)0x02) != 0 ? ", random trace id" : string.Empty);

    // Where a stored value comes from: the span whose context it is, or a span attribute with the same value.
    private static string? Origin(string key, string value, RequestStory story)
    {
        if (key == "traceparent")
        {
            Activity? span = TraceParentCodec.TryParse(value.AsSpan(), out ActivityContext stored)
                ? story.Spans.FirstOrDefault(s => s.TraceId == stored.TraceId && s.SpanId == stored.SpanId)
                : null;
            return span is null
                ? null
                : $"version 00 · trace id: request {story.Number}'s trace · span id: its span {span.DisplayName} · flags {(int)stored.TraceFlags:x2}: {Flags(stored.TraceFlags)}";
        }

        foreach (Activity span in story.Spans)
        {
            foreach (KeyValuePair<string, object?> tag in span.TagObjects)
            {
                if (tag.Value as string == value)
                {
                    string meaning = tag.Key switch
                    {
                        SampleTelemetry.CorrelationIdTag => ": the request's correlation id, kept along the whole chain",
                        MessagingAttributes.MessageId => ": the command that caused the event",
                        _ => string.Empty,
                    };
                    return $"{tag.Key} of {span.DisplayName}{meaning}";
                }
            }
        }

        return null;
    }

    private static string NameOf(ActivityTraceId traceId, ActivitySpanId spanId, IReadOnlyDictionary<(ActivityTraceId, ActivitySpanId), Activity> byContext) =>
        byContext.TryGetValue((traceId, spanId), out Activity? span) ? span.DisplayName : "(not collected)";

    private static void Line(TextWriter output, string key, string value) => output.WriteLine($"  {key,-KeyWidth}{value}");
}
