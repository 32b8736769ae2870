using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Threading.Tasks;

namespace Messaging.Tracing.Testing;

/// <summary>Assertions on the shape of a trace: its causal rendering (<see cref="TraceTree.RenderCausal"/>).</summary>
public static class TraceAssert
{
    /// <summary>
    /// Asserts that the spans render to <paramref name="expected"/> as a causal tree. Line endings, trailing
    /// whitespace on each line and leading or trailing blank lines do not matter.
    /// </summary>
    /// <param name="expected">The expected causal rendering.</param>
    /// <param name="spans">The spans, typically <see cref="SpanCollector.Spans"/>.</param>
    /// <exception cref="TraceShapeException">The rendering differs; the message shows both side by side.</exception>
    public static void Shape(string expected, IEnumerable<Activity> spans)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(spans);

        string wanted = Normalize(expected);
        string actual = Normalize(TraceTree.Build(spans).RenderCausal());
        if (!string.Equals(wanted, actual, StringComparison.Ordinal))
        {
            throw new TraceShapeException(wanted, actual, reason: null, innerException: null);
        }
    }

    /// <summary>
    /// Waits until the collector has at least <paramref name="spanCount"/> spans, then asserts their shape as
    /// <see cref="Shape"/> does.
    /// </summary>
    /// <param name="collector">The collector.</param>
    /// <param name="expected">The expected causal rendering.</param>
    /// <param name="spanCount">How many spans to wait for.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <returns>A task that completes when the assertion passed.</returns>
    /// <exception cref="TraceShapeException">
    /// The rendering differs, or fewer spans arrived before the timeout (the exception then shows what arrived).
    /// </exception>
    public static async Task ShapeAsync(SpanCollector collector, string expected, int spanCount, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(collector);
        ArgumentNullException.ThrowIfNull(expected);

        IReadOnlyList<Activity> spans;
        try
        {
            spans = await collector.WaitForSpansAsync(spanCount, timeout).ConfigureAwait(false);
        }
        catch (TimeoutException timedOut)
        {
            IReadOnlyList<Activity> arrived = collector.Spans;
            string reason = string.Create(
                CultureInfo.InvariantCulture,
                $"Only {arrived.Count} of {spanCount} span(s) arrived within {timeout}; the spans so far do not have the expected trace shape.");
            throw new TraceShapeException(Normalize(expected), Normalize(TraceTree.Build(arrived).RenderCausal()), reason, timedOut);
        }

        Shape(expected, spans);
    }

    private static string Normalize(string text)
    {
        string[] lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n');
        int first = 0;
        int last = lines.Length - 1;
        for (int i = 0; i < lines.Length; i++)
        {
            lines[i] = lines[i].TrimEnd();
        }

        while (first <= last && lines[first].Length == 0)
        {
            first++;
        }

        while (last >= first && lines[last].Length == 0)
        {
            last--;
        }

        return string.Join('\n', lines, first, last - first + 1);
    }
}
