using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Messaging.Tracing.Brokers;
using Messaging.Tracing.Spans;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Messaging.Tracing.Reliability.Tests.Soak;

/// <summary>
/// One transport's soak: after <see cref="Warmup"/> warm-up messages, produces <see cref="Messages"/> messages in two
/// halves, each inside its own application span (a new trace) with its own baggage member, and checks every handler's
/// context (<see cref="HandleAsync"/>) against the payload. Spans are listened by a real <see cref="ActivityListener"/> (<see cref="SoakSpanCounter"/>) and an
/// OpenTelemetry tracer provider with a batch exporter; memory is measured after a full GC at the end of each half and the
/// thread pool is probed throughout. The transport test supplies the send and runs its consumers.
/// </summary>
/// <remarks>The expected relationship is the library's default, FollowsFrom: the process span's parent is the send span
/// (consumers run without an ambient span) and it links to it with <c>opentracing.ref_type = follows_from</c>.</remarks>
public sealed class SoakRun : IDisposable
{
    /// <summary>The application's own source: one producer span per message.</summary>
    public const string SourceName = "Messaging.Tracing.Reliability.Soak";

    /// <summary>The baggage member each message carries, valued with its index.</summary>
    public const string BaggageKey = "soak.message";

    private const string IndexProperty = "soak.index";

    private static readonly ActivitySource Source = new(SourceName);

    private readonly string _transport;
    private readonly int[] _received;   // per message index, warm-up first
    private readonly ulong[] _sendSpan;
    private readonly ulong[] _sendParent;
    private readonly long[] _failures = new long[Enum.GetValues<SoakCheck>().Length];
    private readonly SoakSpanCounter _spans;
    private readonly CountingExporter _exporter = new();
    private readonly TracerProvider _tracerProvider;
    private readonly SemaphoreSlim _credits = new(SoakSettings.MaxBacklog);
    private long _distinct;
    private long _handled;

    /// <summary>Initializes a new instance of the <see cref="SoakRun"/> class and starts listening.</summary>
    /// <param name="transport">The transport's name in the report.</param>
    /// <param name="messages">Messages to send, in two halves.</param>
    public SoakRun(string transport, int messages)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(messages, 2);
        _transport = transport;
        Messages = messages;
        Warmup = Math.Min(SoakSettings.WarmupMessages, messages);
        _received = new int[Warmup + messages];
        _sendSpan = new ulong[Warmup + messages];
        _sendParent = new ulong[Warmup + messages];
        _spans = new SoakSpanCounter(OnProducerStarted);
        _tracerProvider = Sdk.CreateTracerProviderBuilder()
            .AddMessagingTracing()
            .AddSource(SourceName)
            .SetSampler(new AlwaysOnSampler())
            .AddProcessor(new BatchActivityExportProcessor(_exporter, maxQueueSize: 65_536, scheduledDelayMilliseconds: 200, maxExportBatchSize: 4_096))
            .Build()!;
    }

    /// <summary>Gets the number of messages of the run.</summary>
    public int Messages { get; }

    /// <summary>Gets the number of warm-up messages sent (and checked) before the measured ones: <see cref="SoakSettings.WarmupMessages"/>.</summary>
    public int Warmup { get; }

    /// <summary>
    /// Sends both halves through <paramref name="send"/> (index, payload; called inside the message's application span,
    /// with its baggage current), waiting after each half until every message was handled and every span has stopped.
    /// </summary>
    /// <param name="send">Sends one message with the transport's traced producer.</param>
    /// <param name="producerConcurrency">Messages in flight at once on the producer side.</param>
    /// <returns>The figures.</returns>
    public async Task<SoakReport> RunAsync(Func<int, string, Task> send, int producerConcurrency)
    {
        ArgumentNullException.ThrowIfNull(send);
        int total = Warmup + Messages;
        int half = Warmup + (Messages / 2);
        await ProduceAsync(0, Warmup, send, producerConcurrency).ConfigureAwait(false);
        await SettleAsync(Warmup).ConfigureAwait(false);
        long heapStart = FullGcHeap();
        long allocatedStart = GC.GetTotalAllocatedBytes(precise: true);
        TimeSpan pauseStart = GC.GetTotalPauseDuration();
        int gen2Start = GC.CollectionCount(2);
        var clock = Stopwatch.StartNew();
        StarvationFigures starvation;
        long heapFirst;
        TimeSpan pause;
        int gen2;
        using (var probe = new StarvationProbe())
        {
            await ProduceAsync(Warmup, half, send, producerConcurrency).ConfigureAwait(false);
            await SettleAsync(half).ConfigureAwait(false);
            heapFirst = FullGcHeap();
            probe.MarkSteady();
            await ProduceAsync(half, total, send, producerConcurrency).ConfigureAwait(false);
            await SettleAsync(total).ConfigureAwait(false);
            clock.Stop();
            pause = GC.GetTotalPauseDuration() - pauseStart;
            gen2 = GC.CollectionCount(2) - gen2Start;
            starvation = await probe.StopAsync().ConfigureAwait(false);
        }

        long heapSecond = FullGcHeap();
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedStart;
        return new SoakReport(
            _transport,
            Messages,
            Warmup,
            Interlocked.Read(ref _distinct),
            ReadFailures(),
            new SpanFigures(_spans.LibraryStarted, _spans.LibraryStopped, _spans.SoakStarted, _spans.SoakStopped, _exporter.Exported),
            new MemoryFigures(heapStart, heapFirst, heapSecond, allocated, total - half, pause, gen2),
            starvation,
            clock.Elapsed);
    }

    /// <summary>
    /// The application's handler: checks, on entry and again after an await, that it runs in the message's own context
    /// (see <see cref="SoakCheck"/>), and counts the message received.
    /// </summary>
    /// <param name="payload">The message's payload text.</param>
    /// <returns>A task that completes when the handler has.</returns>
    public async Task HandleAsync(string payload)
    {
        Activity? process = Verify(payload);
        string? baggage = Baggage.GetBaggage(BaggageKey);

        // Other handlers run while this one is suspended; its context must still be its own afterwards.
        await Task.Yield();
        if (!ReferenceEquals(Activity.Current, process) || !string.Equals(Baggage.GetBaggage(BaggageKey), baggage, StringComparison.Ordinal))
        {
            Fail(SoakCheck.ChangedAcrossAwait);
        }

        Interlocked.Increment(ref _handled);
        _credits.Release();
    }

    /// <summary>
    /// Checks, on the consumer's side of a traced wrapper (before or after it), that no span and no baggage is current:
    /// the consumers of a soak run without an ambient context, so anything there leaked from a handler.
    /// </summary>
    /// <remarks>The wrappers are async methods, and the runtime restores the caller's execution context when an async
    /// method returns, so a span or baggage they leave current cannot reach this check through <c>Activity.Current</c>; it
    /// guards the synchronous paths (the Kafka consume loop, RabbitMQ.Client's dispatcher, MassTransit's pipe) and any
    /// wrapper that is not async. A context leaking from one message to the next on the same flow shows in the handler
    /// instead: under FollowsFrom it would become the next process span's parent (<see cref="SoakCheck.WrongParent"/>).</remarks>
    public void CheckAmbientClean()
    {
        if (Activity.Current is not null || Baggage.Current.Count != 0)
        {
            Fail(SoakCheck.DirtyAmbient);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _tracerProvider.Dispose();
        _spans.Dispose();
        _credits.Dispose();
    }

    private static long FullGcHeap()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static bool LinksFollowsFrom(Activity process, ulong sendSpan)
    {
        foreach (ActivityLink link in process.Links)
        {
            if (PayloadSpan(link.Context.SpanId) == sendSpan && link.Tags is { } tags)
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == MessagingAttributes.OpenTracingRefType && Equals(tag.Value, MessagingAttributes.FollowsFrom))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    private static ulong PayloadSpan(ActivitySpanId spanId) => SoakPayload.ToNumber(spanId);

    private Task ProduceAsync(int from, int to, Func<int, string, Task> send, int concurrency) =>
        Parallel.ForEachAsync(
            Enumerable.Range(from, to - from),
            new ParallelOptions { MaxDegreeOfParallelism = concurrency },
            (index, _) => new ValueTask(SendOneAsync(index, send)));

    private async Task SendOneAsync(int index, Func<int, string, Task> send)
    {
        // Each message is its own story: a new trace, with its own baggage member; both end with this method.
        if (!await _credits.WaitAsync(SoakSettings.SettleTimeout(SoakSettings.MaxBacklog)).ConfigureAwait(false))
        {
            throw new TimeoutException($"{SoakSettings.MaxBacklog} {_transport} messages sent were not handled in time; handled {Interlocked.Read(ref _handled)}.");
        }

        Activity.Current = null;
        using Activity root = Source.StartActivity("soak message", ActivityKind.Internal)
            ?? throw new InvalidOperationException("The soak's listener does not record its application spans.");
        root.SetCustomProperty(IndexProperty, index);
        Baggage.SetBaggage(BaggageKey, index.ToString(CultureInfo.InvariantCulture));
        await send(index, SoakPayload.Format(index, root)).ConfigureAwait(false);
    }

    private void OnProducerStarted(Activity send)
    {
        if (send.Parent is { } parent && ReferenceEquals(parent.Source, Source) && parent.GetCustomProperty(IndexProperty) is int index
            && (uint)index < (uint)_sendSpan.Length)
        {
            Volatile.Write(ref _sendSpan[index], PayloadSpan(send.SpanId));
            Volatile.Write(ref _sendParent[index], PayloadSpan(send.ParentSpanId));
        }
        else
        {
            Fail(SoakCheck.OrphanSend);
        }
    }

    private Activity? Verify(string text)
    {
        if (!SoakPayload.TryParse(text, out SoakPayload payload) || (uint)payload.Index >= (uint)_received.Length)
        {
            Fail(SoakCheck.Malformed);
            return Activity.Current;
        }

        if (Interlocked.Increment(ref _received[payload.Index]) == 1)
        {
            if (payload.Index >= Warmup)
            {
                Interlocked.Increment(ref _distinct);
            }
        }
        else
        {
            Fail(SoakCheck.Duplicate);
        }

        ulong sendSpan = Volatile.Read(ref _sendSpan[payload.Index]);
        Activity? process = Activity.Current;
        if (process is null || process.Source.Name != MessagingActivitySource.Name || process.Kind != ActivityKind.Consumer)
        {
            Fail(SoakCheck.NoProcessSpan);
        }
        else
        {
            if (!payload.IsTrace(process.TraceId))
            {
                Fail(SoakCheck.CrossTalk);
            }

            if (PayloadSpan(process.ParentSpanId) != sendSpan)
            {
                Fail(SoakCheck.WrongParent);
            }

            if (!LinksFollowsFrom(process, sendSpan))
            {
                Fail(SoakCheck.MissingLink);
            }
        }

        if (Volatile.Read(ref _sendParent[payload.Index]) != payload.SpanId)
        {
            Fail(SoakCheck.SendOutsideProducer);
        }

        string? baggage = Baggage.GetBaggage(BaggageKey);
        if (!int.TryParse(baggage, NumberStyles.None, CultureInfo.InvariantCulture, out int baggageIndex) || baggageIndex != payload.Index)
        {
            Fail(SoakCheck.BaggageMismatch);
        }

        return process;
    }

    private long[] ReadFailures()
    {
        long[] failures = new long[_failures.Length];
        for (int i = 0; i < failures.Length; i++)
        {
            failures[i] = Interlocked.Read(ref _failures[i]);
        }

        return failures;
    }

    private void Fail(SoakCheck check) => Interlocked.Increment(ref _failures[(int)check]);

    private async Task SettleAsync(int upTo)
    {
        try
        {
            await Wait.UntilAsync(
                () => Interlocked.Read(ref _handled) >= upTo
                    && _spans.SoakStopped == _spans.SoakStarted
                    && _spans.LibraryStopped == _spans.LibraryStarted
                    && _spans.LibraryStopped >= 2L * upTo,
                SoakSettings.SettleTimeout(upTo),
                $"{upTo} {_transport} messages handled and their spans stopped").ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException(
                $"{ex.Message} Handled {Interlocked.Read(ref _handled)}, distinct {Interlocked.Read(ref _distinct)}, library spans "
                + $"{_spans.LibraryStarted} started / {_spans.LibraryStopped} stopped, application spans {_spans.SoakStarted} / {_spans.SoakStopped}.",
                ex);
        }

        _tracerProvider.ForceFlush();
    }
}
