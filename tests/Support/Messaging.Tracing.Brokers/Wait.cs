using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace Messaging.Tracing.Brokers;

/// <summary>
/// Bounded polling for tests: waits until a condition holds, checking every
/// <see cref="PollInterval"/>, and fails with a <see cref="TimeoutException"/> naming what was
/// awaited. The only place where tests wait with a delay.
/// </summary>
/// <example>
/// <code>
/// await Wait.UntilAsync(() => collector.Spans.Count == 2, TimeSpan.FromSeconds(5), "the consumer's process span");
/// </code>
/// </example>
public static class Wait
{
    /// <summary>How long to wait between two checks of the condition (20 ms).</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>Waits until <paramref name="condition"/> returns <see langword="true"/>.</summary>
    /// <param name="condition">Checked at once, then every <see cref="PollInterval"/>, and once more at the deadline.</param>
    /// <param name="timeout">How long to wait at most.</param>
    /// <param name="what">What is awaited, for the timeout message ("the message on queue q1").</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes when the condition holds.</returns>
    /// <exception cref="TimeoutException">The condition did not hold within <paramref name="timeout"/>.</exception>
    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return UntilAsync(() => Task.FromResult(condition()), timeout, what, cancellationToken);
    }

    /// <summary>Waits until the asynchronous <paramref name="condition"/> returns <see langword="true"/>.</summary>
    /// <param name="condition">Checked at once, then every <see cref="PollInterval"/> after the previous check ends, and once more at the deadline.</param>
    /// <param name="timeout">How long to wait at most.</param>
    /// <param name="what">What is awaited, for the timeout message ("the message on queue q1").</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes when the condition holds.</returns>
    /// <exception cref="TimeoutException">The condition did not hold within <paramref name="timeout"/>.</exception>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentException.ThrowIfNullOrEmpty(what);
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.Zero);

        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < timeout)
        {
            if (await condition().ConfigureAwait(false))
            {
                return;
            }

            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }

        // One last look at the deadline, so a condition met during the final delay counts.
        if (await condition().ConfigureAwait(false))
        {
            return;
        }

        throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.###} s waiting for {what}.");
    }
}
