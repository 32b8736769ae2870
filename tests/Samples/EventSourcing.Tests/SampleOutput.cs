using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace EventSourcing.Tests;

/// <summary>Reads the printed report of a scripted run.</summary>
public static partial class SampleOutput
{
    private static readonly string[] TreeGuides = ["│   ", "    ", "├── ", "└── ", "├┄┄ ", "└┄┄ "];

    /// <summary>The lines printed for the request with the given number (1-based): from its header to the next section.</summary>
    public static string[] Story(string output, int request)
    {
        string[] lines = output.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        int header = Array.FindIndex(lines, l => l.StartsWith($"══ Request {request}: ", StringComparison.Ordinal));
        if (header < 0)
        {
            throw new InvalidOperationException($"No request {request} in the output:\n{output}");
        }

        return lines.Skip(header).TakeWhile((l, i) => i == 0 || !l.StartsWith("══ ", StringComparison.Ordinal) && !l.StartsWith("── ", StringComparison.Ordinal)).ToArray();
    }

    /// <summary>The rows of the request's time axis (after its scale), and the column of their bars' opening <c>│</c>.</summary>
    public static (string[] Rows, int Frame) Timeline(string output, int request)
    {
        string[] story = Story(output, request);
        int scale = Array.FindIndex(story, l => ScaleLine().IsMatch(l));
        if (scale < 0)
        {
            throw new InvalidOperationException($"No time axis for request {request}:\n{string.Join('\n', story)}");
        }

        int frame = story[scale].IndexOf('0', StringComparison.Ordinal);
        string[] rows = story.Skip(scale + 1).TakeWhile(l => l.Length > frame && l[frame] == '│').ToArray();
        return (rows, frame);
    }

    /// <summary>
    /// The request's tree as printed on its time axis, without the bars, its siblings put back in the order
    /// <c>TraceTree.RenderCausal</c> gives them (by text; the time axis orders them by start), so it compares with
    /// <see cref="ExpectedTrees"/>.
    /// </summary>
    public static string CausalTree(string output, int request)
    {
        (string[] rows, int frame) = Timeline(output, request);
        var roots = new List<Node>();
        var path = new List<Node>();
        foreach (string row in rows)
        {
            string tree = row[..frame].TrimEnd();
            int depth = 0;
            while (tree.Length > 4 * (depth + 1) && TreeGuides.Contains(tree.Substring(4 * depth, 4)))
            {
                depth++;
            }

            var node = new Node(tree[(4 * depth)..], depth > 0 && tree[(4 * depth) - 3] == '┄');
            path.RemoveRange(depth, path.Count - depth);
            (depth == 0 ? roots : path[depth - 1].Children).Add(node);
            path.Add(node);
        }

        return string.Join('\n', Render(roots, topLevel: true));
    }

    /// <summary>
    /// The rows of the metrics summary, as cells: system, destination, sent, consumed, process p50 / p99, queue p50 / p99.
    /// </summary>
    public static string[][] MetricsRows(string output)
    {
        string[] lines = output.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        int heading = Array.FindIndex(lines, l => l.StartsWith("══ Metrics per destination ", StringComparison.Ordinal));
        if (heading < 0)
        {
            throw new InvalidOperationException($"No metrics summary in the output:\n{output}");
        }

        return lines.Skip(heading + 2)
            .Select(l => CellSeparator().Split(l.Trim()))
            .TakeWhile(cells => cells.Length == 6)
            .ToArray();
    }

    /// <summary>The metrics summary's row for a system's destination, or null when there is none.</summary>
    public static string[]? MetricsRow(string output, string system, string destination) =>
        MetricsRows(output).FirstOrDefault(cells => cells[0] == system && cells[1] == destination);

    /// <summary>Removes the indentation of a raw string literal's lines, as TraceAssert does with its expected text.</summary>
    public static string Normalize(string text) => string.Join('\n', text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Select(l => l.TrimEnd())).Trim('\n');

    private static List<string> Render(List<Node> nodes, bool topLevel)
    {
        var rendered = nodes.Select(n => (Node: n, Lines: Subtree(n))).ToList();
        rendered.Sort((a, b) =>
        {
            int byText = string.CompareOrdinal(string.Join('\n', a.Lines), string.Join('\n', b.Lines));
            return byText != 0 ? byText : a.Node.FollowsFrom.CompareTo(b.Node.FollowsFrom);
        });
        var lines = new List<string>();
        for (int i = 0; i < rendered.Count; i++)
        {
            bool last = i == rendered.Count - 1;
            string connector = topLevel ? string.Empty : (last ? "└" : "├") + (rendered[i].Node.FollowsFrom ? "┄┄ " : "── ");
            string continuation = topLevel ? string.Empty : last ? "    " : "│   ";
            lines.AddRange(rendered[i].Lines.Select((line, j) => (j == 0 ? connector : continuation) + line));
        }

        return lines;
    }

    private static List<string> Subtree(Node node) => [node.Description, .. Render(node.Children, topLevel: false)];

    [GeneratedRegex(@"^ +0 +[0-9.]+ (ms|µs)$")]
    private static partial Regex ScaleLine();

    [GeneratedRegex(" {2,}")]
    private static partial Regex CellSeparator();

    private sealed record Node(string Description, bool FollowsFrom)
    {
        public List<Node> Children { get; } = new();
    }
}
