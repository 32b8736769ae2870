using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Messaging.Tracing.Spans;

namespace Messaging.Tracing.Testing;

/// <summary>
/// The story a set of spans tells, following parents and <c>follows_from</c> links across traces, rendered as text: the
/// causal tree (<see cref="RenderCausal"/>, which no timing changes) and the time axis (<see cref="RenderTimeline(int)"/>).
/// </summary>
/// <remarks>
/// <para>
/// A span's causal parent is its parent span when that was collected; otherwise the first collected span it has a
/// <c>follows_from</c> link to (a cross-trace edge). Spans without a causal parent are roots.
/// </para>
/// <para>
/// In the causal view a ChildOf edge is drawn <c>├── </c> / <c>└── </c> and a FollowsFrom edge <c>├┄┄ </c> /
/// <c>└┄┄ </c>: the span has a <c>follows_from</c> link to its parent, or its causal parent is the link's target.
/// Each line is the span's name, its kind in lower case in parentheses, then the markers that apply, in this order:
/// <c>[new trace]</c> (its trace differs from its causal parent's), <c>[unsampled]</c> (not recorded),
/// <c>[parent not collected]</c>, <c>[linked]</c> (a <c>follows_from</c> link to a span that was not collected)
/// and <c>✗ {error.type}</c> (status Error). Siblings, and roots, are ordered by their rendered subtrees (ordinal),
/// so the text does not depend on timing; it holds no ids and no durations. The time axis
/// (<see cref="RenderTimeline(int)"/>) draws the same tree with siblings and roots in start order instead, each span
/// with a bar and a duration.
/// </para>
/// <example>
/// <code>
/// request (server)
/// └── send orders (producer)
///     └┄┄ process orders (consumer)
///         └┄┄ process orders (consumer) [new trace]
/// </code>
/// </example>
/// </remarks>
public sealed class TraceTree
{
    private const char RecordedBar = '█';
    private const char UnrecordedBar = '░';

    private readonly List<TraceNode> _nodes;
    private readonly List<TraceNode> _roots;

    private TraceTree(List<TraceNode> nodes, List<TraceNode> roots)
    {
        _nodes = nodes;
        _roots = roots;
    }

    /// <summary>Gets the spans of the tree (each once), in the order they were given.</summary>
    public IReadOnlyList<Activity> Spans => _nodes.ConvertAll(node => node.Activity);

    /// <summary>Builds the tree of the given spans, typically <see cref="SpanCollector.Spans"/>.</summary>
    /// <param name="spans">The spans; a span given twice counts once.</param>
    /// <returns>The tree.</returns>
    public static TraceTree Build(IEnumerable<Activity> spans)
    {
        ArgumentNullException.ThrowIfNull(spans);

        var nodes = new List<TraceNode>();
        var byContext = new Dictionary<(ActivityTraceId TraceId, ActivitySpanId SpanId), TraceNode>();
        foreach (Activity? activity in spans)
        {
            if (activity is not null && byContext.TryAdd((activity.TraceId, activity.SpanId), new TraceNode(activity)))
            {
                nodes.Add(byContext[(activity.TraceId, activity.SpanId)]);
            }
        }

        foreach (TraceNode node in nodes)
        {
            FindCausalParent(node, byContext);
        }

        // Links can be crafted into a cycle; such an edge is dropped and its span becomes a root.
        foreach (TraceNode node in nodes)
        {
            if (IsInCycle(node, nodes.Count))
            {
                node.CausalParent = null;
                node.FollowsFrom = false;
            }
        }

        var roots = new List<TraceNode>();
        foreach (TraceNode node in nodes)
        {
            (node.CausalParent?.Children ?? roots).Add(node);
        }

        return new TraceTree(nodes, roots);
    }

    /// <summary>Renders the causal tree (see the remarks of <see cref="TraceTree"/>).</summary>
    /// <returns>One line per span, lines separated by <c>\n</c>; empty when there are no spans.</returns>
    public string RenderCausal()
    {
        var text = new StringBuilder();
        foreach ((_, string line) in Rows(inTimeOrder: false))
        {
            AppendLine(text, line);
        }

        return text.ToString();
    }

    /// <summary>
    /// Renders the time axis: the causal tree (the lines of <see cref="RenderCausal"/>, each branch together, siblings and
    /// roots in start order), each span followed by a bar showing when it ran and by its duration.
    /// </summary>
    /// <remarks>
    /// The first line is the scale: <c>0</c> above the bars' left edge, and the time from the earliest start to the latest
    /// end above their right edge. Each bar lies between <c>│</c> and <c>│</c>, scaled to that range and at least one
    /// column long, drawn with <c>█</c> for recorded spans and <c>░</c> for others. Durations are in microseconds below
    /// 1 ms, else in milliseconds (one decimal below 10 ms). A pure function of the spans.
    /// </remarks>
    /// <example>
    /// <code>
    ///                                   0               100 ms
    /// request (server)                  │████████            │ 40 ms
    /// └── send orders (producer)        │  ██                │ 10 ms
    ///     └┄┄ process orders (consumer) │          ██████████│ 50 ms
    /// </code>
    /// </example>
    /// <param name="width">The number of columns of the bar.</param>
    /// <returns>The scale, then one line per span, lines separated by <c>\n</c>; empty when there are no spans.</returns>
    public string RenderTimeline(int width = 60)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        return Timeline(width, annotate: null);
    }

    /// <summary>
    /// Renders the time axis as <see cref="RenderTimeline(int)"/> does, with a note after the duration of each span for
    /// which <paramref name="annotate"/> returns text (for example, where the span a link points to is shown).
    /// </summary>
    /// <param name="width">The number of columns of the bar.</param>
    /// <param name="annotate">The note for a span; null or empty for none.</param>
    /// <returns>The scale, then one line per span, lines separated by <c>\n</c>; empty when there are no spans.</returns>
    public string RenderTimeline(int width, Func<Activity, string?> annotate)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentNullException.ThrowIfNull(annotate);
        return Timeline(width, annotate);
    }

    /// <summary>Renders the causal tree, as <see cref="RenderCausal"/>.</summary>
    /// <returns>The causal tree.</returns>
    public override string ToString() => RenderCausal();

    private static void FindCausalParent(TraceNode node, Dictionary<(ActivityTraceId TraceId, ActivitySpanId SpanId), TraceNode> byContext)
    {
        Activity activity = node.Activity;
        if (activity.ParentSpanId != default)
        {
            if (byContext.TryGetValue((activity.TraceId, activity.ParentSpanId), out TraceNode? parent) && parent != node)
            {
                node.CausalParent = parent;
            }
            else
            {
                node.ParentNotCollected = true;
            }
        }

        foreach (ActivityLink link in activity.Links)
        {
            if (!IsFollowsFrom(link))
            {
                continue;
            }

            if (!byContext.TryGetValue((link.Context.TraceId, link.Context.SpanId), out TraceNode? target) || target == node)
            {
                node.LinkedOutside = true;
            }
            else if (node.CausalParent is null)
            {
                node.CausalParent = target;
                node.FollowsFrom = true;
            }
            else if (node.CausalParent == target)
            {
                node.FollowsFrom = true;
            }
        }
    }

    private static bool IsInCycle(TraceNode node, int limit)
    {
        TraceNode? ancestor = node.CausalParent;
        for (int step = 0; ancestor is not null && step < limit; step++, ancestor = ancestor.CausalParent)
        {
            if (ancestor == node)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsFollowsFrom(ActivityLink link)
    {
        if (link.Tags is null)
        {
            return false;
        }

        foreach (KeyValuePair<string, object?> tag in link.Tags)
        {
            if (tag.Key == MessagingAttributes.OpenTracingRefType && tag.Value as string == MessagingAttributes.FollowsFrom)
            {
                return true;
            }
        }

        return false;
    }

    private string Timeline(int width, Func<Activity, string?>? annotate)
    {
        List<(TraceNode Node, string Line)> rows = Rows(inTimeOrder: true);
        if (rows.Count == 0)
        {
            return string.Empty;
        }

        long first = long.MaxValue;
        long last = long.MinValue;
        int nameWidth = 0;
        int durationWidth = 0;
        foreach ((TraceNode node, string line) in rows)
        {
            first = Math.Min(first, Start(node));
            last = Math.Max(last, End(node));
            nameWidth = Math.Max(nameWidth, line.Length);
            durationWidth = Math.Max(durationWidth, FormatDuration(End(node) - Start(node)).Length);
        }

        long total = last - first;
        string range = FormatDuration(total);
        var text = new StringBuilder();
        text.Append(' ', nameWidth + 1).Append('0').Append(' ', Math.Max(1, width + 1 - range.Length)).Append(range);
        foreach ((TraceNode node, string name) in rows)
        {
            int from = 0;
            int to = width;
            if (total > 0)
            {
                from = (int)Math.Min(width - 1, (Start(node) - first) * width / total);
                to = (int)Math.Max(from + 1, ((End(node) - first) * width + total - 1) / total);
            }

            var line = new StringBuilder(name);
            line.Append(' ', nameWidth - name.Length + 1).Append('│');
            line.Append(' ', from).Append(node.Activity.Recorded ? RecordedBar : UnrecordedBar, to - from).Append(' ', width - to).Append("│ ");
            line.Append(FormatDuration(End(node) - Start(node)).PadLeft(durationWidth));
            if (annotate?.Invoke(node.Activity) is { Length: > 0 } note)
            {
                line.Append("  ").Append(note);
            }

            AppendLine(text, line.ToString());
        }

        return text.ToString();
    }

    // The causal tree's rows in drawing order: each span with its line (connectors, then its description).
    private List<(TraceNode Node, string Line)> Rows(bool inTimeOrder)
    {
        var rows = new List<(TraceNode Node, string Line)>(_nodes.Count);
        foreach (List<(TraceNode Node, string Line)> subtree in Sorted(_roots, inTimeOrder))
        {
            rows.AddRange(subtree);
        }

        return rows;
    }

    // Each subtree rendered on its own (its line, then its children with connectors), sorted by that text, or by start
    // time first for the time axis; the order never depends on the order the spans were given.
    private static List<List<(TraceNode Node, string Line)>> Sorted(List<TraceNode> nodes, bool inTimeOrder)
    {
        var rendered = new List<(TraceNode Node, List<(TraceNode Node, string Line)> Rows, string Key)>(nodes.Count);
        foreach (TraceNode node in nodes)
        {
            List<(TraceNode Node, string Line)> rows = RenderSubtree(node, inTimeOrder);
            rendered.Add((node, rows, string.Join('\n', rows.ConvertAll(row => row.Line))));
        }

        rendered.Sort((a, b) =>
        {
            int result = inTimeOrder ? CompareTimes(a.Node, b.Node) : 0;
            result = result != 0 ? result : string.CompareOrdinal(a.Key, b.Key);
            result = result != 0 ? result : a.Node.FollowsFrom.CompareTo(b.Node.FollowsFrom);
            result = result != 0 ? result : CompareTimes(a.Node, b.Node);
            return result != 0 ? result : string.CompareOrdinal(a.Node.Activity.SpanId.ToHexString(), b.Node.Activity.SpanId.ToHexString());
        });
        return rendered.ConvertAll(item => item.Rows);
    }

    private static int CompareTimes(TraceNode a, TraceNode b)
    {
        int result = Start(a).CompareTo(Start(b));
        return result != 0 ? result : End(a).CompareTo(End(b));
    }

    private static List<(TraceNode Node, string Line)> RenderSubtree(TraceNode node, bool inTimeOrder)
    {
        var rows = new List<(TraceNode Node, string Line)> { (node, Describe(node)) };
        List<List<(TraceNode Node, string Line)>> children = Sorted(node.Children, inTimeOrder);
        for (int i = 0; i < children.Count; i++)
        {
            bool last = i == children.Count - 1;
            List<(TraceNode Node, string Line)> child = children[i];
            string connector = (last ? "└" : "├") + (child[0].Node.FollowsFrom ? "┄┄ " : "── ");
            string continuation = last ? "    " : "│   ";
            for (int j = 0; j < child.Count; j++)
            {
                rows.Add((child[j].Node, (j == 0 ? connector : continuation) + child[j].Line));
            }
        }

        return rows;
    }

    private static string Describe(TraceNode node)
    {
        Activity activity = node.Activity;
        var line = new StringBuilder(activity.DisplayName).Append(" (").Append(KindName(activity.Kind)).Append(')');
        if (node.CausalParent is not null && node.CausalParent.Activity.TraceId != activity.TraceId)
        {
            line.Append(" [new trace]");
        }

        if (!activity.Recorded)
        {
            line.Append(" [unsampled]");
        }

        if (node.ParentNotCollected)
        {
            line.Append(" [parent not collected]");
        }

        if (node.LinkedOutside)
        {
            line.Append(" [linked]");
        }

        if (activity.Status == ActivityStatusCode.Error)
        {
            line.Append(" ✗ ").Append(activity.GetTagItem(MessagingAttributes.ErrorType) as string ?? "error");
        }

        return line.ToString();
    }

    private static string KindName(ActivityKind kind) => kind switch
    {
        ActivityKind.Producer => "producer",
        ActivityKind.Consumer => "consumer",
        ActivityKind.Client => "client",
        ActivityKind.Server => "server",
        _ => "internal",
    };

    private static long Start(TraceNode node) => node.Activity.StartTimeUtc.Ticks;

    private static long End(TraceNode node) => node.Activity.StartTimeUtc.Ticks + Math.Max(0, node.Activity.Duration.Ticks);

    // Whole microseconds below 1 ms, milliseconds with one decimal below 10 ms, whole milliseconds above.
    private static string FormatDuration(long ticks)
    {
        if (ticks < TimeSpan.TicksPerMillisecond)
        {
            return (ticks / TimeSpan.TicksPerMicrosecond).ToString(CultureInfo.InvariantCulture) + " µs";
        }

        double milliseconds = ticks / (double)TimeSpan.TicksPerMillisecond;
        return milliseconds.ToString(milliseconds < 9.95 ? "0.0" : "0", CultureInfo.InvariantCulture) + " ms";
    }

    private static void AppendLine(StringBuilder text, string line)
    {
        if (text.Length > 0)
        {
            text.Append('\n');
        }

        text.Append(line);
    }
}
