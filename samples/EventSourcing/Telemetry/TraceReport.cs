using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using Messaging.Tracing.Testing;

namespace EventSourcing.Telemetry;

/// <summary>
/// Prints collected spans as one story per HTTP request, with the test kit's renderer: the causal tree
/// (<see cref="TraceTree.RenderCausal"/>: <c>──</c> child of, <c>┄┄</c> follows from, <c>[new trace]</c> where a trace
/// starts over) and the time axis (<see cref="TraceTree.RenderTimeline"/>).
/// </summary>
/// <remarks>
/// A request's story is its server span and everything it caused, across traces: the spans of its trace and of the later
/// traces that follow from them (replays of its events). The time axis shows the request's own trace only. A replay
/// request also shows the traces it started, which link back to it.
/// </remarks>
public static class TraceReport
{
    /// <summary>The width of the time axis, in columns.</summary>
    public const int TimelineWidth = 60;

    /// <summary>Writes the report.</summary>
    /// <param name="output">Where to.</param>
    /// <param name="spans">The collected spans.</param>
    public static void Write(TextWriter output, IReadOnlyList<Activity> spans)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(spans);
        var stories = Stories(spans);
        var told = new HashSet<Activity>();
        for (int i = 0; i < stories.Count; i++)
        {
            (Activity request, List<Activity> causal, List<Activity> timeline) = stories[i];
            told.UnionWith(causal);
            WriteStory(output, i + 1, stories.Count, request, causal, timeline);
        }

        List<Activity> others = spans.Where(s => !told.Contains(s)).ToList();
        if (others.Count > 0)
        {
            output.WriteLine();
            output.WriteLine($"══ {others.Count} span(s) outside the requests ══");
            output.WriteLine(TraceTree.Build(others).RenderCausal());
        }
    }

    /// <summary>
    /// Returns, per HTTP request in start order, the spans of its causal tree and the spans of its time axis.
    /// </summary>
    /// <param name="spans">The collected spans.</param>
    /// <returns>The stories.</returns>
    public static IReadOnlyList<(Activity Request, List<Activity> Causal, List<Activity> Timeline)> Stories(IReadOnlyList<Activity> spans)
    {
        ArgumentNullException.ThrowIfNull(spans);
        var byContext = new Dictionary<(ActivityTraceId, ActivitySpanId), Activity>();
        foreach (Activity span in spans)
        {
            byContext.TryAdd((span.TraceId, span.SpanId), span);
        }

        var children = new Dictionary<Activity, List<Activity>>();
        foreach (Activity span in spans)
        {
            if (CausalParent(span, byContext) is { } parent)
            {
                if (!children.TryGetValue(parent, out List<Activity>? list))
                {
                    children[parent] = list = new List<Activity>();
                }

                list.Add(span);
            }
        }

        var stories = new List<(Activity, List<Activity>, List<Activity>)>();
        foreach (Activity request in spans.Where(IsRequest).OrderBy(s => s.StartTimeUtc))
        {
            var causal = new List<Activity>();
            var pending = new Stack<Activity>();
            pending.Push(request);
            while (pending.TryPop(out Activity? span))
            {
                causal.Add(span);
                foreach (Activity child in children.GetValueOrDefault(span) ?? [])
                {
                    pending.Push(child);
                }
            }

            // Traces started on the request's behalf (replays) link back to it with a plain link.
            var started = new HashSet<ActivityTraceId>(spans
                .Where(s => s.ParentSpanId == default && s.TraceId != request.TraceId && s.Links.Any(l => l.Context.TraceId == request.TraceId && !SpanLinks.IsFollowsFrom(l)))
                .Select(s => s.TraceId));
            causal.AddRange(spans.Where(s => started.Contains(s.TraceId) && !causal.Contains(s)));
            List<Activity> timeline = spans.Where(s => s.TraceId == request.TraceId || started.Contains(s.TraceId)).ToList();
            stories.Add((request, causal, timeline));
        }

        return stories;
    }

    private static void WriteStory(TextWriter output, int number, int count, Activity request, List<Activity> causal, List<Activity> timeline)
    {
        DateTime end = timeline.Max(s => s.StartTimeUtc + s.Duration);
        string status = request.GetTagItem("http.response.status_code") is int code ? code.ToString(CultureInfo.InvariantCulture) : "?";
        output.WriteLine();
        output.WriteLine($"══ Request {number} of {count}: {request.GetTagItem("http.request.method")} {request.GetTagItem("url.path")} → {status} ".PadRight(100, '═'));
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"trace {request.TraceId} · correlation {request.GetTagItem(SampleTelemetry.CorrelationIdTag) ?? "-"} · {causal.Count} spans · {(end - request.StartTimeUtc).TotalMilliseconds:0} ms until the last span of its trace ended"));
        output.WriteLine();
        output.WriteLine("Causal tree (── child of, ┄┄ follows from):");
        output.WriteLine(TraceTree.Build(causal).RenderCausal());
        if (timeline.Any(s => s.TraceId != request.TraceId))
        {
            output.WriteLine("(The traces this request started follow from the appends they re-read — shown [linked] here, and as");
            output.WriteLine(" [new trace] under the requests that appended those events — and link back to this request.)");
        }

        output.WriteLine();
        output.WriteLine($"Time axis ({(timeline.Count == causal.Count ? "all of it" : "the request's own trace" + (timeline.Any(s => s.TraceId != request.TraceId) ? " and the traces it started" : string.Empty))}):");
        output.WriteLine(TraceTree.Build(timeline).RenderTimeline(TimelineWidth));
    }

    private static bool IsRequest(Activity span) => span.Kind == ActivityKind.Server && span.Source.Name == SampleTelemetry.AspNetCoreSourceName;

    /// <summary>The same rule as <see cref="TraceTree"/>: the collected parent, else the first collected follows_from target.</summary>
    private static Activity? CausalParent(Activity span, Dictionary<(ActivityTraceId, ActivitySpanId), Activity> byContext)
    {
        if (span.ParentSpanId != default && byContext.TryGetValue((span.TraceId, span.ParentSpanId), out Activity? parent) && parent != span)
        {
            return parent;
        }

        foreach (ActivityLink link in span.Links)
        {
            if (SpanLinks.IsFollowsFrom(link) && byContext.TryGetValue((link.Context.TraceId, link.Context.SpanId), out Activity? target) && target != span)
            {
                return target;
            }
        }

        return null;
    }
}
