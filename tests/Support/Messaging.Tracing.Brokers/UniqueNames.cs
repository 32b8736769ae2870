using System;

namespace Messaging.Tracing.Brokers;

/// <summary>Names that no other test, test run or concurrent run uses.</summary>
internal static class UniqueNames
{
    /// <summary>
    /// Returns <c>{prefix}-{32 hex digits}</c>. The prefix is limited to the characters every broker
    /// accepts in queue, exchange, stream and topic names (letters, digits, <c>.</c>, <c>_</c>, <c>-</c>).
    /// </summary>
    public static string Create(string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        if (prefix.Length > 100)
        {
            throw new ArgumentException("The prefix must be at most 100 characters.", nameof(prefix));
        }

        foreach (char c in prefix)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-'))
            {
                throw new ArgumentException(
                    $"The prefix '{prefix}' may contain only ASCII letters, digits, '.', '_' and '-'.",
                    nameof(prefix));
            }
        }

        return $"{prefix}-{Guid.NewGuid():N}";
    }
}
