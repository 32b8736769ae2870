using System;
using System.Diagnostics;
using System.Threading;

namespace Messaging.Tracing.Benchmarks.Throughput;

/// <summary>
/// Counts handled messages and measures a run: elapsed time and the process's allocated bytes between <see cref="Start"/>
/// and <see cref="Stop"/>, and how many handlers ran inside the producer's trace.
/// </summary>
public sealed class RunMeter
{
    private readonly int _expected;
    private readonly TaskCompletionSourceSlim _done = new();
    private int _handled;
    private int _withContext;
    private long _startTimestamp;
    private long _startAllocated;
    private long _startSpans;

    /// <summary>Initializes a new instance of the <see cref="RunMeter"/> class.</summary>
    /// <param name="expected">Messages the run sends.</param>
    public RunMeter(int expected) => _expected = expected;

    /// <summary>Gets a task that completes when every expected message has finished (<see cref="Handled"/>, <see cref="Finished"/>).</summary>
    public System.Threading.Tasks.Task AllHandled => _done.Task;

    /// <summary>Starts the clock and the allocation count (after a full collection, so runs start alike).</summary>
    /// <param name="session">The run's tracer provider; spans it exported before the start are not counted.</param>
    public void Start(TracingSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        session.Flush();
        _startSpans = session.Exporter.Spans;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        _startAllocated = GC.GetTotalAllocatedBytes(precise: true);
        _startTimestamp = Stopwatch.GetTimestamp();
    }

    /// <summary>Called by a handler for each message; notes whether it runs inside a trace and counts the message as finished.</summary>
    public void Handled()
    {
        Observed();
        Finished(1);
    }

    /// <summary>
    /// Called by a handler; notes whether it runs inside a trace without counting the message, for transports that finish a
    /// message after its handler (an acknowledgement inside the process span): they call <see cref="Finished"/> then.
    /// </summary>
    public void Observed()
    {
        if (Activity.Current is { TraceId: var traceId } && traceId != default)
        {
            Interlocked.Increment(ref _withContext);
        }
    }

    /// <summary>Counts messages as finished: handled, acknowledged and, when traced, their process spans ended.</summary>
    /// <param name="messages">How many.</param>
    public void Finished(int messages)
    {
        int before = Interlocked.Add(ref _handled, messages) - messages;
        if (before < _expected && before + messages >= _expected)
        {
            _done.SetResult();
        }
    }

    /// <summary>Exports what the session still holds, then stops the clock and the allocation count.</summary>
    /// <param name="session">The run's tracer provider: its export is part of the run.</param>
    /// <returns>The result.</returns>
    public RunResult Stop(TracingSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        session.Flush();
        TimeSpan elapsed = Stopwatch.GetElapsedTime(_startTimestamp);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - _startAllocated;
        return new RunResult(_expected, elapsed, allocated, Volatile.Read(ref _withContext), session.Exporter.Spans - _startSpans);
    }
}
