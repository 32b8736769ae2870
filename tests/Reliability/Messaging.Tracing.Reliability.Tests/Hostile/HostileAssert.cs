using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Messaging.Tracing.Testing.Hostile;
using Xunit;

namespace Messaging.Tracing.Reliability.Tests.Hostile;

/// <summary>The checks every transport makes for a hostile case.</summary>
public static class HostileAssert
{
    /// <summary>W3C Trace Context Level 2, "trace-flags": the sampled (01) and random trace id (02) flags are carried.</summary>
    private const ActivityTraceFlags KnownFlags = ActivityTraceFlags.Recorded | (ActivityTraceFlags)0x02;

    /// <summary>W3C Baggage ("Limits"): a consumer keeps at least 64 members.</summary>
    private const int MinimumBaggageMembers = 64;

    /// <summary>W3C Baggage ("Limits"): a consumer keeps at least 8192 bytes.</summary>
    private const int MinimumBaggageBytes = 8192;

    /// <summary>
    /// The process span starts a new trace (no parent, no link, no trace state) or continues the producer's as the case
    /// says, and the handler saw the baggage the case says.
    /// </summary>
    public static void Context(HostileHeaderCase hostile, Activity process, IReadOnlyDictionary<string, string> handlerBaggage)
    {
        ArgumentNullException.ThrowIfNull(hostile);
        ArgumentNullException.ThrowIfNull(process);
        ArgumentNullException.ThrowIfNull(handlerBaggage);
        Assert.True(process.IsStopped, "the process span ended");
        Assert.Equal(ActivityKind.Consumer, process.Kind);
        if (hostile.ContinuesTrace)
        {
            Assert.Equal(hostile.ParentTraceId, process.TraceId);
            Assert.Equal(hostile.ParentSpanId, process.ParentSpanId);
            Assert.Equal(hostile.ParentFlags & KnownFlags, process.ActivityTraceFlags & KnownFlags);
            Assert.Equal(hostile.TraceState, process.TraceStateString);
        }
        else
        {
            Assert.Equal(default, process.ParentSpanId);
            Assert.Null(process.ParentId);
            Assert.Empty(process.Links);
            Assert.Null(process.TraceStateString);
            foreach (HostileHeader header in hostile.Headers)
            {
                Assert.False(header.AppearsIn(process.TraceId.ToHexString()), "the new trace id is not taken from the hostile header");
            }
        }

        switch (hostile.Outcome)
        {
            case HostileHeaderOutcome.ContinueWithoutBaggage or HostileHeaderOutcome.ContinueWithoutTraceStateOrBaggage:
                Assert.Empty(handlerBaggage);
                break;
            case HostileHeaderOutcome.ContinueWithBoundedBaggage:
                Assert.InRange(handlerBaggage.Count, MinimumBaggageMembers, hostile.BaggageMembers.Count);
                Assert.Equal(
                    hostile.BaggageMembers.Take(handlerBaggage.Count).OrderBy(m => m.Key, StringComparer.Ordinal),
                    handlerBaggage.OrderBy(m => m.Key, StringComparer.Ordinal));
                int bytes = handlerBaggage.Sum(m => m.Key.Length + 1 + m.Value.Length) + handlerBaggage.Count - 1;
                Assert.True(bytes <= MinimumBaggageBytes || handlerBaggage.Count == MinimumBaggageMembers, $"{bytes} bytes of baggage kept");
                break;
            default:
                Assert.Equal(hostile.Baggage.OrderBy(m => m.Key, StringComparer.Ordinal), handlerBaggage.OrderBy(m => m.Key, StringComparer.Ordinal));
                break;
        }
    }

    /// <summary>
    /// The malformed headers, and only they, were reported, by name and length; nothing failed inside the instrumentation;
    /// no header value appears in any event payload.
    /// </summary>
    /// <param name="hostile">The case.</param>
    /// <param name="recorder">What the event source wrote while the case ran.</param>
    /// <param name="alsoReported">Headers the transport also reports for this case (non-byte AMQP values).</param>
    public static void Diagnostics(HostileHeaderCase hostile, DiagnosticsRecorder recorder, params string[] alsoReported)
        => Diagnostics(hostile, recorder, alsoReported, hiddenByTransport: []);

    /// <summary><see cref="Diagnostics(HostileHeaderCase, DiagnosticsRecorder, string[])"/> for a transport that hides some headers.</summary>
    /// <param name="hostile">The case.</param>
    /// <param name="recorder">What the event source wrote while the case ran.</param>
    /// <param name="alsoReported">Headers the transport also reports for this case.</param>
    /// <param name="hiddenByTransport">Headers the transport's client never shows the consumer (so nothing reports them).</param>
    public static void Diagnostics(HostileHeaderCase hostile, DiagnosticsRecorder recorder, IEnumerable<string> alsoReported, IEnumerable<string> hiddenByTransport)
    {
        ArgumentNullException.ThrowIfNull(hostile);
        ArgumentNullException.ThrowIfNull(recorder);
        Assert.Empty(recorder.Faults.Select(e => e.EventName));
        Assert.Equal(
            hostile.MalformedHeaders.Concat(alsoReported).Except(hiddenByTransport).Distinct().OrderBy(n => n, StringComparer.Ordinal),
            recorder.MalformedHeaders.Select(e => (string)e.Payload![0]!).Distinct().OrderBy(n => n, StringComparer.Ordinal));
        foreach (var malformed in recorder.MalformedHeaders)
        {
            Assert.Equal(2, malformed.Payload!.Count);
            Assert.IsType<string>(malformed.Payload[0]);
            Assert.True(malformed.Payload[1] is int length && length >= 0, "the second field is the length");
        }

        foreach (string payload in recorder.PayloadStrings)
        {
            foreach (HostileHeader header in hostile.Headers)
            {
                Assert.False(header.AppearsIn(payload), $"the value of {header} appears in a diagnostics event");
            }
        }
    }
}
