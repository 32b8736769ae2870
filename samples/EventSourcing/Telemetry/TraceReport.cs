using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using EventSourcing.EventStore;
using Messaging.Tracing.Propagation;
using Messaging.Tracing.Testing;

namespace EventSourcing.Telemetry;

/// <summary>
/// Prints collected spans as one story per HTTP request (<see cref="RequestStory"/>), each drawn with the test kit's
/// renderer (<see cref="TraceTree.RenderTimeline(int, Func{Activity, string})"/>: the causal tree with a time bar per
/// span), after a legend of the marks the stories use. A span that follows from a span of another story is noted with
/// that story's number, and a story whose spans are followed later elsewhere says so under its tree.
/// </summary>
public static class TraceReport
{
    /// <summary>The width the lines keep to where a tree allows it: the bars are narrower for deep trees.</summary>
    public const int LineWidth = 118;

    private const int MinBarWidth = 16;
    private const int MaxBarWidth = 40;
    private const int DurationWidth = 11; // " │" before the bar, "│ 1229 ms" after it

    /// <summary>Writes the report.</summary>
    /// <param name="output">Where to.</param>
    /// <param name="spans">The collected spans.</param>
    /// <param name="example">An event of the first stories to look at closely (its stored metadata, and a span), or null.</param>
    public static void Write(TextWriter output, IReadOnlyList<Activity> spans, StoredEvent? example = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(spans);
        IReadOnlyList<RequestStory> stories = Stories(spans);
        var storyOf = new Dictionary<Activity, RequestStory>();
        foreach (RequestStory story in stories)
        {
            foreach (Activity span in story.Spans)
            {
                storyOf[span] = story;
            }
        }

        var byContext = new Dictionary<(ActivityTraceId, ActivitySpanId), Activity>();
        foreach (Activity span in spans)
        {
            byContext.TryAdd((span.TraceId, span.SpanId), span);
        }

        List<string> drawn = stories.Select(story => Draw(story.Spans, span => Note(span, story, storyOf, byContext))).ToList();
        List<string> later = stories.Select(story => Later(story, stories, storyOf, byContext)).ToList();
        List<Activity> others = spans.Where(s => !storyOf.ContainsKey(s)).ToList();
        string othersDrawn = others.Count > 0 ? Draw(others, _ => null) : string.Empty;
        TraceLegend.Write(output, [.. drawn, .. later, othersDrawn]);

        for (int i = 0; i < stories.Count; i++)
        {
            RequestStory story = stories[i];
            WriteHeader(output, story);
            output.WriteLine(drawn[i]);
            if (later[i].Length > 0)
            {
                output.WriteLine(later[i]);
            }

            if (example is not null && example.Metadata.TryGetValue("traceparent", out string? traceparent)
                && story.Spans.Any(s => TraceParentCodec.Format(s.Context) == traceparent))
            {
                CloserLook.Write(output, example, story, stories, byContext);
                example = null;
            }
        }

        if (others.Count > 0)
        {
            output.WriteLine();
            output.WriteLine(Rule($"══ {others.Count} span(s) outside the requests "));
            output.WriteLine(othersDrawn);
        }
    }

    /// <summary>Returns the story of every HTTP request, in start order.</summary>
    /// <param name="spans">The collected spans.</param>
    /// <returns>The stories.</returns>
    public static IReadOnlyList<RequestStory> Stories(IReadOnlyList<Activity> spans)
    {
        ArgumentNullException.ThrowIfNull(spans);
        var stories = new List<RequestStory>();
        foreach (Activity request in spans.Where(IsRequest).OrderBy(s => s.StartTimeUtc))
        {
            // Traces started on the request's behalf (replays) have roots that link back to its trace with a plain link.
            var traces = new HashSet<ActivityTraceId>(spans
                .Where(s => s.ParentSpanId == default && s.TraceId != request.TraceId
                    && s.Links.Any(l => l.Context.TraceId == request.TraceId && !SpanLinks.IsFollowsFrom(l)))
                .Select(s => s.TraceId)) { request.TraceId };
            stories.Add(new RequestStory(stories.Count + 1, request, spans.Where(s => traces.Contains(s.TraceId)).ToList()));
        }

        return stories;
    }

    /// <summary>The text, then its first character repeated up to the report's width (a section rule).</summary>
    /// <param name="text">The text.</param>
    /// <returns>The line.</returns>
    internal static string Rule(string text) => text.Length >= LineWidth ? text : text.PadRight(LineWidth, text[0]);

    private static string Draw(IReadOnlyList<Activity> spans, Func<Activity, string?> note)
    {
        TraceTree tree = TraceTree.Build(spans);
        int widest = tree.RenderCausal().Split('\n').Max(line => line.Length);
        int notes = spans.Select(s => note(s)?.Length + 2 ?? 0).Max();
        int bar = Math.Clamp(LineWidth - widest - DurationWidth - notes, MinBarWidth, MaxBarWidth);
        return tree.RenderTimeline(bar, note);
    }

    private static void WriteHeader(TextWriter output, RequestStory story)
    {
        Activity request = story.Request;
        string status = request.GetTagItem("http.response.status_code") is int code ? code.ToString(CultureInfo.InvariantCulture) : "?";
        int own = story.Spans.Count(s => s.TraceId == request.TraceId);
        output.WriteLine();
        output.WriteLine(Rule($"══ Request {story.Number}: {request.GetTagItem("http.request.method")} {request.GetTagItem("url.path")} → {status} "));
        output.WriteLine($"trace {request.TraceId} · correlation-id {request.GetTagItem(SampleTelemetry.CorrelationIdTag) ?? "-"} · {Count(own, "span")}");
        List<Activity> roots = story.Spans.Where(s => s.TraceId != request.TraceId && s.ParentSpanId == default).ToList();
        if (roots.Count > 0)
        {
            string linked = string.Join(", ", roots
                .SelectMany(r => r.Links.Where(l => l.Context.TraceId == request.TraceId && !SpanLinks.IsFollowsFrom(l)))
                .Select(l => story.Spans.FirstOrDefault(s => s.SpanId == l.Context.SpanId)?.DisplayName)
                .OfType<string>()
                .Distinct());
            output.WriteLine($"It also started {Count(roots.Count, "new trace")} ({Count(story.Spans.Count - own, "span")}), each with a plain link back to {linked}:");
        }
    }

    private static string Count(int count, string noun) => $"{count} {noun}{(count == 1 ? string.Empty : "s")}";

    // Where a span that follows from another story's span comes from.
    private static string? Note(Activity span, RequestStory story, Dictionary<Activity, RequestStory> storyOf, Dictionary<(ActivityTraceId, ActivitySpanId), Activity> byContext)
    {
        foreach (ActivityLink link in span.Links)
        {
            if (SpanLinks.IsFollowsFrom(link) && byContext.TryGetValue((link.Context.TraceId, link.Context.SpanId), out Activity? target)
                && storyOf.TryGetValue(target, out RequestStory? other) && other != story)
            {
                return $"← follows from {target.DisplayName} in request {other.Number}";
            }
        }

        return null;
    }

    // The spans of other stories that follow from this one's: drawn there, announced here.
    private static string Later(RequestStory story, IReadOnlyList<RequestStory> stories, Dictionary<Activity, RequestStory> storyOf, Dictionary<(ActivityTraceId, ActivitySpanId), Activity> byContext)
    {
        var lines = new List<string>();
        foreach (RequestStory other in stories.Where(s => s != story))
        {
            var targets = new List<Activity>();
            foreach (Activity span in other.Spans)
            {
                foreach (ActivityLink link in span.Links)
                {
                    if (SpanLinks.IsFollowsFrom(link) && byContext.TryGetValue((link.Context.TraceId, link.Context.SpanId), out Activity? target) && storyOf.GetValueOrDefault(target) == story)
                    {
                        targets.Add(target);
                    }
                }
            }

            if (targets.Count > 0)
            {
                string names = string.Join(", ", targets.Select(t => t.DisplayName).Distinct());
                string traces = targets.Count == 1 ? "a new trace that follows" : $"{targets.Count} new traces that follow";
                lines.Add($"↪ Later, request {other.Number} started {traces} from {names} here (drawn there).");
            }
        }

        return string.Join('\n', lines);
    }

    private static bool IsRequest(Activity span) => span.Kind == ActivityKind.Server && span.Source.Name == SampleTelemetry.AspNetCoreSourceName;
}
