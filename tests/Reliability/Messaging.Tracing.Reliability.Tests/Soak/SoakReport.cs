using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using Xunit;

namespace Messaging.Tracing.Reliability.Tests.Soak;

/// <summary>The figures of one transport's soak, its <c>REPORT soak</c> line and the assertions on them.</summary>
/// <param name="Transport">The transport.</param>
/// <param name="Messages">Messages sent and measured.</param>
/// <param name="Warmup">Warm-up messages sent (and checked) before them.</param>
/// <param name="Received">Distinct measured messages handled.</param>
/// <param name="Failures">Messages failing each <see cref="SoakCheck"/>, indexed by it.</param>
/// <param name="Spans">The spans.</param>
/// <param name="Memory">The heap.</param>
/// <param name="Starvation">The thread-pool probe.</param>
/// <param name="Duration">From the first send to the last span stopped.</param>
public sealed record SoakReport(
    string Transport,
    int Messages,
    int Warmup,
    long Received,
    IReadOnlyList<long> Failures,
    SpanFigures Spans,
    MemoryFigures Memory,
    StarvationFigures Starvation,
    TimeSpan Duration)
{
    /// <summary>Library spans per message: the send span and the process span.</summary>
    public const int LibrarySpansPerMessage = 2;

    /// <summary>Gets the messages never handled.</summary>
    public long Lost => Messages - Received;

    /// <summary>Gets the number of messages failing <paramref name="check"/>.</summary>
    /// <param name="check">The check.</param>
    /// <returns>The count.</returns>
    public long this[SoakCheck check] => Failures[(int)check];

    /// <summary>The one <c>REPORT soak …</c> line eng/reliability.sh collects.</summary>
    /// <returns>The line.</returns>
    public string ToReportLine()
    {
        var line = new StringBuilder("REPORT soak");
        Append(line, "transport", Transport);
        Append(line, "messages", Messages);
        Append(line, "warmup", Warmup);
        Append(line, "received", Received);
        Append(line, "lost", Lost);
        Append(line, "duplicates", this[SoakCheck.Duplicate]);
        Append(line, "spans_started", Spans.Started);
        Append(line, "spans_stopped", Spans.Stopped);
        Append(line, "spans_exported", Spans.Exported);
        Append(line, "heap_start", Memory.HeapStart);
        Append(line, "heap_first_half", Memory.HeapFirstHalf);
        Append(line, "heap_second_half", Memory.HeapSecondHalf);
        Append(line, "heap_growth_bytes", Memory.Growth);
        Append(line, "heap_growth_bound", Memory.GrowthBound);
        Append(line, "alloc_per_message", Memory.Allocated / Messages);
        Append(line, "gc_pause_ms", Math.Round(Memory.GcPause.TotalMilliseconds, 1));
        Append(line, "gc_gen2", Memory.Gen2Collections);
        Append(line, "probe_max_ms", Math.Round(Starvation.MaxDelayMs, 1));
        Append(line, "probe_p99_ms", Math.Round(Starvation.P99DelayMs, 1));
        Append(line, "probe_steady_max_ms", Math.Round(Starvation.SteadyMaxDelayMs, 1));
        Append(line, "probe_steady_p99_ms", Math.Round(Starvation.SteadyP99DelayMs, 1));
        Append(line, "probe_samples", Starvation.Samples);
        Append(line, "pending_work_items_max", Starvation.PendingMax);
        Append(line, "duration_s", Math.Round(Duration.TotalSeconds, 2));
        Append(line, "messages_per_s", Math.Round(Messages / Duration.TotalSeconds));
        foreach (SoakCheck check in Enum.GetValues<SoakCheck>())
        {
            if (check != SoakCheck.Duplicate)
            {
                Append(line, ToSnakeCase(check.ToString()), this[check]);
            }
        }

        return line.ToString();
    }

    /// <summary>
    /// Asserts the soak's promises: every message handled exactly once, in its own context; clean ambient context around
    /// the wrappers; spans started = stopped (two library spans and one application span per message) and all exported;
    /// heap growth over the second half within <see cref="MemoryFigures.GrowthBound"/>; no thread-pool work item waiting
    /// <see cref="SoakSettings.ProbeMaxDelayBound"/> or longer in the second half, nor
    /// <see cref="SoakSettings.ProbeWarmupMaxDelayBound"/> over the whole run.
    /// </summary>
    public void AssertHealthy()
    {
        var broken = new List<string>();
        Expect(broken, Lost == 0, $"{Lost} messages lost");
        foreach (SoakCheck check in Enum.GetValues<SoakCheck>())
        {
            Expect(broken, this[check] == 0, $"{this[check]} messages failed {check}");
        }

        Expect(broken, Spans.LibraryStarted == Spans.LibraryStopped, $"library spans {Spans.LibraryStarted} started, {Spans.LibraryStopped} stopped");
        long sent = (long)Warmup + Messages;
        Expect(broken, Spans.LibraryStarted == LibrarySpansPerMessage * sent, $"{Spans.LibraryStarted} library spans for {sent} messages");
        Expect(broken, Spans.ApplicationStarted == sent && Spans.ApplicationStopped == sent, "application spans not one per message");
        Expect(broken, Spans.Exported == Spans.Stopped, $"{Spans.Exported} spans exported of {Spans.Stopped}");
        Expect(broken, Memory.Growth <= Memory.GrowthBound, $"heap grew {Memory.Growth} bytes over the second half (bound {Memory.GrowthBound})");
        Expect(broken, Starvation.SteadyMaxDelayMs < SoakSettings.ProbeMaxDelayBound.TotalMilliseconds, $"a thread-pool work item waited {Starvation.SteadyMaxDelayMs:0} ms in the second half");
        Expect(broken, Starvation.MaxDelayMs < SoakSettings.ProbeWarmupMaxDelayBound.TotalMilliseconds, $"a thread-pool work item waited {Starvation.MaxDelayMs:0} ms");
        if (broken.Count > 0)
        {
            Assert.Fail(string.Join("; ", broken) + Environment.NewLine + ToReportLine());
        }
    }

    private static void Expect(List<string> broken, bool holds, string otherwise)
    {
        if (!holds)
        {
            broken.Add(otherwise);
        }
    }

    private static void Append(StringBuilder line, string key, object value) =>
        line.Append(' ').Append(key).Append('=').Append(Convert.ToString(value, CultureInfo.InvariantCulture));

    private static string ToSnakeCase(string name)
    {
        var snake = new StringBuilder(name.Length + 4);
        foreach (char c in name)
        {
            if (char.IsUpper(c) && snake.Length > 0)
            {
                snake.Append('_');
            }

            snake.Append(char.ToLowerInvariant(c));
        }

        return snake.ToString();
    }
}
