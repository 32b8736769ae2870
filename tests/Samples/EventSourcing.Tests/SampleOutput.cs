using System;
using System.Collections.Generic;
using System.Linq;

namespace EventSourcing.Tests;

/// <summary>Reads the printed report of a scripted run.</summary>
public static class SampleOutput
{
    /// <summary>The causal tree printed for the request with the given number (1-based).</summary>
    public static string CausalTree(string output, int request)
    {
        string[] lines = output.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        int header = Array.FindIndex(lines, l => l.StartsWith($"══ Request {request} of ", StringComparison.Ordinal));
        if (header < 0)
        {
            throw new InvalidOperationException($"No request {request} in the output:\n{output}");
        }

        int start = Array.FindIndex(lines, header, l => l.StartsWith("Causal tree", StringComparison.Ordinal)) + 1;
        IEnumerable<string> tree = lines.Skip(start).TakeWhile(l => l.Length > 0 && !l.StartsWith('('));
        return string.Join('\n', tree);
    }

    /// <summary>Removes the indentation of a raw string literal's lines, as TraceAssert does with its expected text.</summary>
    public static string Normalize(string text) => string.Join('\n', text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Select(l => l.TrimEnd())).Trim('\n');
}
