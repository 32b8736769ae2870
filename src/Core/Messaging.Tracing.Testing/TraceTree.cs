using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text;
using Messaging.Tracing.Spans;

namespace Messaging.Tracing.Testing;

/// <summary>
/// The story a set of spans tells, following parents and <c>follows_from</c> links across traces, rendered as
/// deterministic text: the causal tree (<see cref="RenderCausal"/>) and the time axis (<see cref="RenderTimeline"/>).
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
/// so the text does not depend on timing; it holds no ids and no durations.
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
            for (TraceNode? ancestor = node.CausalParent; ancestor is not null; ancestor = ancestor.CausalParent)
            {
                node.Depth++;
            }
        }

        return new TraceTree(nodes, roots);
    }

    /// <summary>Renders the causal tree (see the remarks of <see cref="TraceTree"/>).</summary>
    /// <returns>One line per span, lines separated by <c>\n</c>; empty when there are no spans.</returns>
    public string RenderCausal()
    {
        var text = new StringBuilder();
        foreach ((_, List<string> lines) in Sorted(_roots))
        {
            foreach (string line in lines)
            {
                AppendLine(text, line);
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// Renders the time axis: one row per span in start-time order (ties by name), the name indented by causal depth,
    /// then a bar between <c>│</c> and <c>│</c> scaled from the earliest start to the latest end, drawn with <c>█</c>
    /// for recorded spans and <c>░</c> for others. A pure function of the spans.
    /// </summary>
    /// <param name="width">The number of columns of the bar.</param>
    /// <returns>One line per span, lines separated by <c>\n</c>; empty when there are no spans.</returns>
    public string RenderTimeline(int width = 60)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);

        var rows = new List<TraceNode>(_nodes);
        rows.Sort(CompareByStart);
        long first = long.MaxValue;
        long last = long.MinValue;
        int nameWidth = 0;
        foreach (TraceNode row in rows)
        {
            first = Math.Min(first, Start(row));
            last = Math.Max(last, End(row));
            nameWidth = Math.Max(nameWidth, (2 * row.Depth) + row.Activity.DisplayName.Length);
        }

        long total = last - first;
        var text = new StringBuilder();
        foreach (TraceNode row in rows)
        {
            int from = 0;
            int to = width;
            if (total > 0)
            {
                from = (int)Math.Min(width - 1, (Start(row) - first) * width / total);
                to = (int)Math.Max(from + 1, ((End(row) - first) * width + total - 1) / total);
            }

            char bar = row.Activity.Recorded ? RecordedBar : UnrecordedBar;
            var line = new StringBuilder();
            line.Append(' ', 2 * row.Depth).Append(row.Activity.DisplayName);
            line.Append(' ', nameWidth - line.Length + 1).Append('│');
            line.Append(' ', from).Append(bar, to - from).Append(' ', width - to).Append('│');
            AppendLine(text, line.ToString());
        }

        return text.ToString();
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

    // Each subtree rendered on its own (its line, then its children with connectors), sorted by that text.
    private static List<(TraceNode Node, List<string> Lines)> Sorted(List<TraceNode> nodes)
    {
        var rendered = new List<(TraceNode Node, List<string> Lines, string Key)>(nodes.Count);
        foreach (TraceNode node in nodes)
        {
            List<string> lines = RenderSubtree(node);
            rendered.Add((node, lines, string.Join('\n', lines)));
        }

        rendered.Sort((a, b) =>
        {
            int byText = string.CompareOrdinal(a.Key, b.Key);
            return byText != 0 ? byText : a.Node.FollowsFrom.CompareTo(b.Node.FollowsFrom);
        });
        return rendered.ConvertAll(item => (item.Node, item.Lines));
    }

    private static List<string> RenderSubtree(TraceNode node)
    {
        var lines = new List<string> { Describe(node) };
        List<(TraceNode Node, List<string> Lines)> children = Sorted(node.Children);
        for (int i = 0; i < children.Count; i++)
        {
            bool last = i == children.Count - 1;
            (TraceNode child, List<string> childLines) = children[i];
            string connector = (last ? "└" : "├") + (child.FollowsFrom ? "┄┄ " : "── ");
            string continuation = last ? "    " : "│   ";
            for (int j = 0; j < childLines.Count; j++)
            {
                lines.Add((j == 0 ? connector : continuation) + childLines[j]);
            }
        }

        return lines;
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

    private static int CompareByStart(TraceNode a, TraceNode b)
    {
        int result = Start(a).CompareTo(Start(b));
        result = result != 0 ? result : string.CompareOrdinal(a.Activity.DisplayName, b.Activity.DisplayName);
        result = result != 0 ? result : a.Depth.CompareTo(b.Depth);
        result = result != 0 ? result : End(a).CompareTo(End(b));
        return result != 0 ? result : a.Activity.Recorded.CompareTo(b.Activity.Recorded);
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
