using System;
using System.Diagnostics;
using System.Threading;
using Messaging.Tracing.Spans;

namespace Messaging.Tracing.Reliability.Tests.Soak;

/// <summary>
/// A real <see cref="ActivityListener"/> on the library's source and the soak's own, recording every span and counting
/// starts and stops per source. Each Producer-kind span of the library is reported to <see cref="ProducerStarted"/> when
/// it starts (on the producer's flow, before the message goes on the wire).
/// </summary>
public sealed class SoakSpanCounter : IDisposable
{
    private readonly ActivityListener _listener;
    private long _libraryStarted;
    private long _libraryStopped;
    private long _soakStarted;
    private long _soakStopped;

    /// <summary>Initializes a new instance of the <see cref="SoakSpanCounter"/> class and starts listening.</summary>
    /// <param name="producerStarted">Called with each library Producer-kind span as it starts.</param>
    public SoakSpanCounter(Action<Activity> producerStarted)
    {
        ProducerStarted = producerStarted;
        _listener = new ActivityListener
        {
            ShouldListenTo = static source => source.Name is MessagingActivitySource.Name or SoakRun.SourceName,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStarted = OnStarted,
            ActivityStopped = OnStopped,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Gets the callback for library Producer-kind spans.</summary>
    public Action<Activity> ProducerStarted { get; }

    /// <summary>Gets the spans of the library's source started so far.</summary>
    public long LibraryStarted => Interlocked.Read(ref _libraryStarted);

    /// <summary>Gets the spans of the library's source stopped so far.</summary>
    public long LibraryStopped => Interlocked.Read(ref _libraryStopped);

    /// <summary>Gets the soak's own (application producer) spans started so far.</summary>
    public long SoakStarted => Interlocked.Read(ref _soakStarted);

    /// <summary>Gets the soak's own spans stopped so far.</summary>
    public long SoakStopped => Interlocked.Read(ref _soakStopped);

    /// <inheritdoc/>
    public void Dispose() => _listener.Dispose();

    private void OnStarted(Activity activity)
    {
        if (activity.Source.Name == SoakRun.SourceName)
        {
            Interlocked.Increment(ref _soakStarted);
            return;
        }

        Interlocked.Increment(ref _libraryStarted);
        if (activity.Kind == ActivityKind.Producer)
        {
            ProducerStarted(activity);
        }
    }

    private void OnStopped(Activity activity)
    {
        if (activity.Source.Name == SoakRun.SourceName)
        {
            Interlocked.Increment(ref _soakStopped);
        }
        else
        {
            Interlocked.Increment(ref _libraryStopped);
        }
    }
}
