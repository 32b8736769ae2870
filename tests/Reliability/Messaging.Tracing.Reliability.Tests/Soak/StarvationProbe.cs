using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace Messaging.Tracing.Reliability.Tests.Soak;

/// <summary>
/// Watches the thread pool during a run: a dedicated thread queues a work item every <see cref="SoakSettings.ProbeInterval"/>
/// and the item records how long it waited to start; the pool's pending work item count is sampled at the same time.
/// A starved pool (handlers blocking its threads) shows as long delays. Samples queued after <see cref="MarkSteady"/> are
/// also summarised on their own: the steady state, after JIT compilation, connection set-up and the pool's ramp-up.
/// </summary>
public sealed class StarvationProbe : IDisposable
{
    /// <summary>How long <see cref="StopAsync"/> lets the last queued work items run.</summary>
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);

    private readonly object _gate = new();
    private readonly List<double> _delaysMs = [];
    private readonly List<double> _steadyDelaysMs = [];
    private readonly ManualResetEventSlim _stop = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Thread _thread;
    private long _steadyFrom = long.MaxValue;
    private long _pendingMax;
    private int _queued;

    /// <summary>Initializes a new instance of the <see cref="StarvationProbe"/> class and starts probing.</summary>
    public StarvationProbe()
    {
        _thread = new Thread(Probe) { IsBackground = true, Name = "soak starvation probe" };
        _thread.Start();
    }

    /// <summary>Work items queued from now on are the steady state.</summary>
    public void MarkSteady() => Interlocked.Exchange(ref _steadyFrom, Stopwatch.GetTimestamp());

    /// <summary>
    /// Stops probing and summarises what was seen. The work items already queued are given <see cref="DrainTimeout"/> to
    /// run; one that has not run by then counts as a wait of that long.
    /// </summary>
    /// <returns>The probe's figures.</returns>
    public async Task<StarvationFigures> StopAsync()
    {
        _stop.Set();
        _thread.Join();
        lock (_gate)
        {
            if (_delaysMs.Count == _queued)
            {
                _drained.TrySetResult();
            }
        }

        bool drained = await _drained.Task.WaitAsync(DrainTimeout).ContinueWith(t => t.IsCompletedSuccessfully, TaskScheduler.Default).ConfigureAwait(false);
        lock (_gate)
        {
            (double max, double p99) = Summarise(_delaysMs, drained);
            (double steadyMax, double steadyP99) = Summarise(_steadyDelaysMs, drained);
            return new StarvationFigures(_delaysMs.Count, _queued - _delaysMs.Count, max, p99, steadyMax, steadyP99, Interlocked.Read(ref _pendingMax));
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _stop.Set();
        _thread.Join();
        _stop.Dispose();
    }

    private static (double Max, double P99) Summarise(List<double> delays, bool drained)
    {
        var sorted = new List<double>(delays);
        sorted.Sort();
        double max = sorted.Count == 0 ? 0 : sorted[^1];
        double p99 = sorted.Count == 0 ? 0 : sorted[Math.Max(0, (int)Math.Ceiling(sorted.Count * 0.99) - 1)];
        return (drained ? max : Math.Max(max, DrainTimeout.TotalMilliseconds), p99);
    }

    private void Probe()
    {
        // The wait on the stop signal is the probe's cadence and its way out; it is not waiting for a result.
        while (!_stop.Wait(SoakSettings.ProbeInterval))
        {
            lock (_gate)
            {
                _queued++;
            }

            ThreadPool.UnsafeQueueUserWorkItem(Record, Stopwatch.GetTimestamp(), preferLocal: false);
            long pending = ThreadPool.PendingWorkItemCount;
            if (pending > Interlocked.Read(ref _pendingMax))
            {
                Interlocked.Exchange(ref _pendingMax, pending);
            }
        }
    }

    private void Record(long queuedAt)
    {
        double delay = Stopwatch.GetElapsedTime(queuedAt).TotalMilliseconds;
        lock (_gate)
        {
            _delaysMs.Add(delay);
            if (queuedAt >= Interlocked.Read(ref _steadyFrom))
            {
                _steadyDelaysMs.Add(delay);
            }

            if (_stop.IsSet && _delaysMs.Count == _queued)
            {
                _drained.TrySetResult();
            }
        }
    }
}
