using System;
using System.Globalization;

namespace Messaging.Tracing.Reliability.Tests.Restarts;

/// <summary>
/// How many messages a reliability test sends: <c>MESSAGING_TRACING_SOAK_MESSAGES</c> when set (the long run sets
/// 100000), else the test's CI slice.
/// </summary>
public static class SoakMessages
{
    /// <summary>The environment variable the long run (eng/reliability.sh) sets.</summary>
    public const string Variable = "MESSAGING_TRACING_SOAK_MESSAGES";

    /// <summary>Whether the variable is set (a long run).</summary>
    public static bool IsLongRun => Configured is not null;

    private static int? Configured
    {
        get
        {
            string? value = Environment.GetEnvironmentVariable(Variable);
            return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int count) && count > 0 ? count : null;
        }
    }

    /// <summary>The variable's value divided by <paramref name="divisor"/> (at least 1), or <paramref name="ciSlice"/> when it is unset.</summary>
    /// <param name="ciSlice">The count for the CI slice.</param>
    /// <param name="divisor">For tests run many times per transport (one per fault kind), the share of the long run each gets.</param>
    /// <returns>The message count.</returns>
    public static int Count(int ciSlice, int divisor = 1) => Configured is { } count ? Math.Max(1, count / divisor) : ciSlice;

    /// <summary>A deadline for <paramref name="count"/> messages: <paramref name="ciBudget"/>, grown in proportion when the long run sends more than the CI slice.</summary>
    /// <param name="ciBudget">The deadline for the CI slice.</param>
    /// <param name="count">Messages this run sends.</param>
    /// <param name="ciCount">Messages of the CI slice.</param>
    /// <returns>The deadline.</returns>
    public static TimeSpan Budget(TimeSpan ciBudget, int count, int ciCount) => ciBudget * Math.Max(1.0, (double)count / ciCount);
}
