using System;
using System.Text;

namespace Messaging.Tracing.Testing;

/// <summary>Thrown by <see cref="TraceAssert"/> when the spans do not tell the expected story.</summary>
public sealed class TraceShapeException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="TraceShapeException"/> class.</summary>
    public TraceShapeException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="TraceShapeException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public TraceShapeException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="TraceShapeException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public TraceShapeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>
    /// Initializes a new instance of the <see cref="TraceShapeException"/> class for a mismatch; the message shows
    /// the expected and the actual rendering side by side, differing lines marked with <c>≠</c>.
    /// </summary>
    /// <param name="expected">The expected causal rendering (normalized).</param>
    /// <param name="actual">The actual causal rendering (normalized).</param>
    /// <param name="reason">The first line of the message; a default one when <see langword="null"/>.</param>
    /// <param name="innerException">The cause, for example the <see cref="TimeoutException"/> of a wait; may be <see langword="null"/>.</param>
    public TraceShapeException(string expected, string actual, string? reason, Exception? innerException)
        : base(Describe(expected, actual, reason), innerException)
    {
        Expected = expected;
        Actual = actual;
    }

    /// <summary>Gets the expected causal rendering; <see langword="null"/> unless built for a mismatch.</summary>
    public string? Expected { get; }

    /// <summary>Gets the actual causal rendering; <see langword="null"/> unless built for a mismatch.</summary>
    public string? Actual { get; }

    private static string Describe(string expected, string actual, string? reason)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);

        string[] left = expected.Split('\n');
        string[] right = actual.Split('\n');
        int leftWidth = "expected".Length;
        foreach (string line in left)
        {
            leftWidth = Math.Max(leftWidth, line.Length);
        }

        var text = new StringBuilder(reason ?? "The spans do not have the expected trace shape.").Append('\n');
        AppendRow(text, "  ", "expected", "actual", leftWidth);
        for (int i = 0; i < Math.Max(left.Length, right.Length); i++)
        {
            string expectedLine = i < left.Length ? left[i] : string.Empty;
            string actualLine = i < right.Length ? right[i] : string.Empty;
            bool same = i < left.Length && i < right.Length && string.Equals(expectedLine, actualLine, StringComparison.Ordinal);
            AppendRow(text, same ? "  " : "≠ ", expectedLine, actualLine, leftWidth);
        }

        return text.ToString();
    }

    private static void AppendRow(StringBuilder text, string marker, string left, string right, int leftWidth) =>
        text.Append(marker).Append(left).Append(' ', leftWidth - left.Length).Append(" │ ").Append(right).Append('\n');
}
