using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Linq;
using Messaging.Tracing.Diagnostics;
using Messaging.Tracing.Propagation;
using Xunit;

namespace Messaging.Tracing.Tests.Diagnostics;

public class MessagingTracingEventSourceTests
{
    [Fact]
    public void A_malformed_header_is_reported_with_its_name_and_length_but_not_its_value()
    {
        using var listener = new Listener();
        string garbage = "garbage-" + new string('x', 4242);

        MessagePropagator.Default.Extract(new Dictionary<string, string> { ["traceparent"] = garbage }, StringDictionaryCarrierAdapter.Instance);

        EventWrittenEventArgs reported = Assert.Single(listener.Events, e => e.EventName == "MalformedHeader" && (int)e.Payload![1]! == garbage.Length);
        Assert.Equal("traceparent", reported.Payload![0]);
        Assert.Equal(EventLevel.Warning, reported.Level);
    }

    // Issue 13: a tracestate that loses members — invalid ones, duplicated keys, members past the 32nd — is reported by
    // name and length, and the members that can be kept are kept; one that loses nothing (truncation to 512 characters
    // aside) is not reported.
    [Theory]
    [InlineData("a=1,a=2", "a=1")]
    [InlineData("a=1,Bad=2,b=3", "a=1,b=3")]
    [InlineData("Bad=1,_x=2", null)]
    [InlineData("members:33", "members:32")]
    public void A_tracestate_with_discarded_members_is_reported_with_its_name_and_length(string traceState, string? kept)
    {
        using var listener = new Listener();
        string value = PaddedTraceState(traceState);

        ActivityContext context = ExtractWithTraceState(value);

        EventWrittenEventArgs reported = Assert.Single(listener.Events, e => e.EventName == "MalformedHeader" && (int)e.Payload![1]! == value.Length);
        Assert.Equal("tracestate", reported.Payload![0]);
        Assert.Equal(Members(kept), context.TraceState);
    }

    [Theory]
    [InlineData("a=1")]
    [InlineData("foo@@bar=1,1abc=2, c=3 ,,")]
    [InlineData("members:32")]
    [InlineData("long:6")]
    public void A_tracestate_that_loses_nothing_is_not_reported(string traceState)
    {
        using var listener = new Listener();
        string value = PaddedTraceState(traceState);

        ActivityContext context = ExtractWithTraceState(value);

        Assert.NotNull(context.TraceState);
        Assert.DoesNotContain(listener.Events, e => e.EventName == "MalformedHeader" && (int)e.Payload![1]! == value.Length);
    }

    // Issue 7 (hostile headers): a baggage that loses members — invalid ones or ones past the W3C limits — is reported
    // by name and length, and the valid members are still restored.
    [Theory]
    [InlineData("user=alice,regi", 1)]
    [InlineData("a=%ZZ,b=%4,c=%E2%82,d=ok%20value,e=%", 2)] // c=%E2%82 is kept, as U+FFFD
    [InlineData("a=1;p q,b=2;ok,c=3;", 1)]
    [InlineData("user=al\u0001ice", 0)]
    [InlineData("user=alice\r\nset-cookie: session=1", 0)]
    [InlineData("=;;,%%%,=x,key with space=1", 0)]
    [InlineData("members:10000", 179)]
    public void Baggage_with_dropped_members_is_reported_with_its_name_and_length(string baggage, int kept)
    {
        using var listener = new Listener();
        string value = Value(baggage);

        OpenTelemetry.Context.Propagation.PropagationContext context = MessagePropagator.Default.Extract(
            new Dictionary<string, string> { ["baggage"] = value }, StringDictionaryCarrierAdapter.Instance);

        EventWrittenEventArgs reported = Assert.Single(listener.Events, e => e.EventName == "MalformedHeader" && (int)e.Payload![1]! == value.Length);
        Assert.Equal("baggage", reported.Payload![0]);
        Assert.DoesNotContain(listener.Events, e => e.Payload!.Any(p => p is string s && s.Length > 8 && value.Contains(s, StringComparison.Ordinal)));
        Assert.Equal(kept + 1, context.Baggage.Count); // and the padding member
    }

    [Theory]
    [InlineData("user=alice")]
    [InlineData(" user = alice ,\tregion=eu-west\t")]
    [InlineData("a=1,,b=2, ,")]
    [InlineData("user=alice;ttl=30")]
    [InlineData("user=alice ; ttl = 30 ; flag,region=eu;p=%FF")]
    public void Baggage_that_loses_nothing_is_not_reported(string baggage)
    {
        using var listener = new Listener();
        string value = Value(baggage);

        MessagePropagator.Default.Extract(new Dictionary<string, string> { ["baggage"] = value }, StringDictionaryCarrierAdapter.Instance);

        Assert.DoesNotContain(listener.Events, e => e.EventName == "MalformedHeader" && (int)e.Payload![1]! == value.Length);
    }

    [Fact]
    public void A_failing_callback_is_reported()
    {
        using var listener = new Listener();
        string marker = Guid.NewGuid().ToString("N");

        BaggageCodec.Parse("k=v".AsSpan(), _ => throw new InvalidOperationException(marker));

        Assert.Contains(listener.Events, e => e.EventName == "CallbackFailed" && e.Payload!.Any(p => p is string s && s.Contains(marker, StringComparison.Ordinal)));
    }

    [Fact]
    public void The_event_source_manifest_is_valid()
    {
        string? manifest = EventSource.GenerateManifest(typeof(MessagingTracingEventSource), "Messaging.Tracing.dll", EventManifestOptions.Strict);

        Assert.NotNull(manifest);
        Assert.Contains("MalformedHeader", manifest, StringComparison.Ordinal);
    }

    private static ActivityContext ExtractWithTraceState(string traceState) => MessagePropagator.Default.Extract(
        new Dictionary<string, string> { ["traceparent"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", ["tracestate"] = traceState },
        StringDictionaryCarrierAdapter.Instance).ActivityContext;

    /// <summary>The row's tracestate members after leading white space (optional, so nothing changes) that makes its length unique.</summary>
    private static string PaddedTraceState(string row) => new string(' ', 3000 + (row.GetHashCode(StringComparison.Ordinal) & 0x3FF)) + Members(row);

    /// <summary>The row's members: <c>members:N</c> makes N short members, <c>long:N</c> N members of 100 characters.</summary>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(row))]
    private static string? Members(string? row) => row switch
    {
        null => null,
        _ when row.StartsWith("members:", StringComparison.Ordinal) => string.Join(',', Enumerable.Range(0, int.Parse(row["members:".Length..], System.Globalization.CultureInfo.InvariantCulture)).Select(i => $"k{i}=v")),
        _ when row.StartsWith("long:", StringComparison.Ordinal) => string.Join(',', Enumerable.Range(0, int.Parse(row["long:".Length..], System.Globalization.CultureInfo.InvariantCulture)).Select(i => $"k{i}={new string('v', 97)}")),
        _ => row,
    };

    /// <summary>The row's baggage (escapes decoded; <c>members:N</c> makes N members) and a valid padding member that makes its length unique.</summary>
    private static string Value(string row)
    {
        string baggage = row.StartsWith("members:", StringComparison.Ordinal)
            ? string.Join(',', Enumerable.Range(0, int.Parse(row["members:".Length..], System.Globalization.CultureInfo.InvariantCulture)).Select(i => $"m{i}=v{i}"))
            : System.Text.RegularExpressions.Regex.Unescape(row);
        return "pad=" + new string('p', 3000 + (row.GetHashCode(StringComparison.Ordinal) & 0x3FF)) + "," + baggage;
    }

    private sealed class Listener : EventListener
    {
        private readonly ConcurrentQueue<EventWrittenEventArgs> _events = new();

        public IReadOnlyCollection<EventWrittenEventArgs> Events => _events.ToArray();

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == MessagingTracingEventSource.SourceName)
            {
                EnableEvents(eventSource, EventLevel.Verbose);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData) => _events.Enqueue(eventData);
    }
}
