using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
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
