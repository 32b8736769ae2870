using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Messaging.Tracing.Spans;

namespace Messaging.Tracing.Testing;

/// <summary>
/// Collects the spans one test produced, even when tests run in parallel and share the static activity sources.
/// Create it at the start of the test (in the test method or the test class constructor) and dispose it at the end.
/// </summary>
/// <remarks>
/// <para>
/// A span belongs to the collector when it starts in the async flow that created the collector (tasks and threads
/// started from there inherit it), when its trace already belongs to the collector, or when it has a link to a trace
/// that belongs to the collector. The spans of a fake broker's background consumer therefore belong to the test whose
/// message they process, whether they continue the producer's trace or start a new linked one.
/// </para>
/// <para>
/// Sampling is parent-based, like OpenTelemetry's default <c>ParentBased(AlwaysOn)</c>: a span with a parent is
/// recorded when its parent is, a span without one always is. Every collector decides the same way, so one test's
/// collector never changes what another test's spans look like.
/// </para>
/// </remarks>
public sealed class SpanCollector : IDisposable
{
    /// <summary>The name of the kit's own activity source, used by <see cref="StartRootSpan"/>.</summary>
    public const string TestSourceName = "Messaging.Tracing.Testing";

    private static readonly ActivitySource TestSource = new(TestSourceName);
    private static readonly AsyncLocal<SpanCollector?> CurrentCollector = new();
    private static long _lastId;

    private readonly object _gate = new();
    private readonly List<Activity> _spans = new();
    private readonly ConcurrentDictionary<ActivityTraceId, bool> _ownedTraces = new();
    private readonly HashSet<string> _sources;
    private readonly string _ownerKey;
    private readonly bool _captureAll;
    private readonly bool _includeUnrecorded;
    private readonly ActivityListener _listener;
    private TaskCompletionSource _changed = NewSignal();
    private volatile bool _disposed;

    /// <summary>
    /// Initializes a new instance of the <see cref="SpanCollector"/> class that listens to <c>Messaging.Tracing</c>,
    /// <see cref="TestSourceName"/> and the given sources, and collects only this test's recorded spans.
    /// </summary>
    /// <param name="additionalSources">More activity sources to listen to.</param>
    public SpanCollector(params string[] additionalSources)
        : this(ToOptions(additionalSources))
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SpanCollector"/> class.</summary>
    /// <param name="options">The sources to listen to and what to collect.</param>
    public SpanCollector(SpanCollectorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _sources = new HashSet<string>(StringComparer.Ordinal) { MessagingActivitySource.Name, TestSourceName };
        foreach (string source in options.Sources)
        {
            ArgumentException.ThrowIfNullOrEmpty(source, nameof(options));
            _sources.Add(source);
        }

        _ownerKey = "Messaging.Tracing.Testing.SpanCollector#" + Interlocked.Increment(ref _lastId).ToString(CultureInfo.InvariantCulture);
        _captureAll = options.CaptureAll;
        _includeUnrecorded = options.IncludeUnrecorded;
        _listener = new ActivityListener
        {
            ShouldListenTo = source => _sources.Contains(source.Name),
            Sample = SampleParentBased,
            ActivityStarted = OnStarted,
            ActivityStopped = OnStopped,
        };

        CurrentCollector.Value = this;
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Gets a snapshot of the spans collected so far, in the order they stopped.</summary>
    public IReadOnlyList<Activity> Spans => Snapshot();

    /// <summary>
    /// Starts a recorded root span (a new trace) from <see cref="TestSourceName"/> that belongs to this collector,
    /// and makes it <see cref="Activity.Current"/>: "the request" a test starts its story with. Stop or dispose it
    /// when the request ends.
    /// </summary>
    /// <remarks>
    /// The span is a root even when another span is current; that span is set aside, so once the root stops
    /// <see cref="Activity.Current"/> is <see langword="null"/>, as after any root span.
    /// </remarks>
    /// <param name="name">The span's name.</param>
    /// <param name="kind">The span's kind.</param>
    /// <returns>The started span.</returns>
    public Activity StartRootSpan(string name, ActivityKind kind = ActivityKind.Internal)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ObjectDisposedException.ThrowIf(_disposed, this);

        SpanCollector? previous = CurrentCollector.Value;
        Activity.Current = null;
        CurrentCollector.Value = this;
        try
        {
            return TestSource.StartActivity(name, kind)
                ?? throw new InvalidOperationException("The test activity source did not create a span.");
        }
        finally
        {
            CurrentCollector.Value = previous;
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> spans have been collected.</summary>
    /// <param name="count">How many spans to wait for.</param>
    /// <param name="timeout">How long to wait; <see cref="Timeout.InfiniteTimeSpan"/> waits forever.</param>
    /// <returns>A snapshot of the collected spans, at least <paramref name="count"/> of them.</returns>
    /// <exception cref="TimeoutException">The timeout passed first; the message shows the spans collected so far as a trace tree.</exception>
    public Task<IReadOnlyList<Activity>> WaitForSpansAsync(int count, TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ValidateTimeout(timeout);
        return WaitCoreAsync(spans => spans.Count >= count, timeout, count.ToString(CultureInfo.InvariantCulture) + " span(s)");
    }

    /// <summary>
    /// Waits until the collected spans meet <paramref name="condition"/>, checked now and each time a span is collected.
    /// </summary>
    /// <param name="condition">The condition, given a snapshot of the spans collected so far.</param>
    /// <param name="timeout">How long to wait; <see cref="Timeout.InfiniteTimeSpan"/> waits forever.</param>
    /// <returns>The snapshot that met the condition.</returns>
    /// <exception cref="TimeoutException">The timeout passed first; the message shows the spans collected so far as a trace tree.</exception>
    public Task<IReadOnlyList<Activity>> WaitForAsync(Func<IReadOnlyList<Activity>, bool> condition, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ValidateTimeout(timeout);
        return WaitCoreAsync(condition, timeout, "the condition");
    }

    /// <summary>Stops listening; spans collected so far stay available.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _listener.Dispose();
        if (CurrentCollector.Value == this)
        {
            CurrentCollector.Value = null;
        }
    }

    private static SpanCollectorOptions ToOptions(string[] additionalSources)
    {
        ArgumentNullException.ThrowIfNull(additionalSources);
        var options = new SpanCollectorOptions();
        foreach (string source in additionalSources)
        {
            options.Sources.Add(source);
        }

        return options;
    }

    private static void ValidateTimeout(TimeSpan timeout)
    {
        if (timeout < TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout must not be negative (except Timeout.InfiniteTimeSpan).");
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    // ParentBased(AlwaysOn): follow the parent's sampled flag; a root is always recorded. PropagationData (not None)
    // for an unsampled child, so its context still flows on.
    private static ActivitySamplingResult SampleParentBased(ref ActivityCreationOptions<ActivityContext> options)
    {
        ActivityContext parent = options.Parent != default ? options.Parent : Activity.Current?.Context ?? default;
        if (parent == default)
        {
            return ActivitySamplingResult.AllDataAndRecorded;
        }

        return (parent.TraceFlags & ActivityTraceFlags.Recorded) != 0
            ? ActivitySamplingResult.AllDataAndRecorded
            : ActivitySamplingResult.PropagationData;
    }

    private void OnStarted(Activity activity)
    {
        if (_disposed || !(_captureAll || CurrentCollector.Value == this || _ownedTraces.ContainsKey(activity.TraceId) || LinksToOwnedTrace(activity)))
        {
            return;
        }

        activity.SetCustomProperty(_ownerKey, this);
        _ownedTraces.TryAdd(activity.TraceId, true);
    }

    private void OnStopped(Activity activity)
    {
        if (_disposed
            || (!_captureAll && activity.GetCustomProperty(_ownerKey) is null)
            || (!activity.Recorded && !_includeUnrecorded))
        {
            return;
        }

        TaskCompletionSource changed;
        lock (_gate)
        {
            _spans.Add(activity);
            changed = _changed;
            _changed = NewSignal();
        }

        changed.TrySetResult();
    }

    private Activity[] Snapshot()
    {
        lock (_gate)
        {
            return _spans.ToArray();
        }
    }

    private bool LinksToOwnedTrace(Activity activity)
    {
        foreach (ActivityLink link in activity.Links)
        {
            if (_ownedTraces.ContainsKey(link.Context.TraceId))
            {
                return true;
            }
        }

        return false;
    }

    private async Task<IReadOnlyList<Activity>> WaitCoreAsync(Func<IReadOnlyList<Activity>, bool> condition, TimeSpan timeout, string what)
    {
        using var stopTimer = new CancellationTokenSource();
        Task timer = Task.Delay(timeout, stopTimer.Token);
        try
        {
            // Re-checked on every collected span; ends at the timer at the latest.
            while (!timer.IsCompleted)
            {
                Activity[] snapshot;
                Task changed;
                lock (_gate)
                {
                    snapshot = _spans.ToArray();
                    changed = _changed.Task;
                }

                if (condition(snapshot))
                {
                    return snapshot;
                }

                await Task.WhenAny(changed, timer).ConfigureAwait(false);
            }

            Activity[] last = Snapshot();
            return condition(last) ? last : throw new TimeoutException(DescribeTimeout(timeout, what, last));
        }
        finally
        {
            await stopTimer.CancelAsync().ConfigureAwait(false);
        }
    }

    private static string DescribeTimeout(TimeSpan timeout, string what, Activity[] spans)
    {
        string tree = spans.Length == 0 ? "(none)" : TraceTree.Build(spans).RenderCausal();
        return string.Create(
            CultureInfo.InvariantCulture,
            $"Timed out after {timeout} waiting for {what}; {spans.Length} span(s) collected:{Environment.NewLine}{tree}");
    }
}
