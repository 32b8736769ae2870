using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using Messaging.Tracing.Propagation;
using Messaging.Tracing.Spans;
using Messaging.Tracing.Testing;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;
using Xunit;

namespace Messaging.Tracing.Tests;

public class MessagingTracerTests
{
    private static readonly MessagingOperation Send = new("kafka", MessagingOperationType.Send, "send", "orders");
    private static readonly MessagingOperation Process = new("kafka", MessagingOperationType.Process, "process", "orders");

    private const ActivityTraceFlags Random = (ActivityTraceFlags)0x02;

    private readonly MessagingTracer _tracer = new(new MessagingTracingOptions());

    /// <summary>Gets a value indicating whether this System.Diagnostics.DiagnosticSource (11 and later) names, and sets, the random trace id flag.</summary>
    private static bool RuntimeMarksRandomTraceIds => Enum.IsDefined(Random);

    [Fact]
    public void Producer_span_has_the_convention_name_kind_and_attributes()
    {
        using var collector = new SpanCollector();

        using (Activity? span = _tracer.StartProducer(Send))
        {
            Assert.NotNull(span);
        }

        Activity producer = Assert.Single(collector.Spans);
        Assert.Equal("send orders", producer.DisplayName);
        Assert.Equal(ActivityKind.Producer, producer.Kind);
        Assert.Equal("kafka", producer.GetTagItem("messaging.system"));
        Assert.Equal("send", producer.GetTagItem("messaging.operation.type"));
        Assert.Equal("send", producer.GetTagItem("messaging.operation.name"));
        Assert.Equal("orders", producer.GetTagItem("messaging.destination.name"));
        Assert.Equal(ActivityStatusCode.Unset, producer.Status);
    }

    [Fact]
    public void Inject_writes_the_producer_span_context_not_the_callers()
    {
        using var collector = new SpanCollector();
        using Activity request = collector.StartRootSpan("request");
        var headers = new Dictionary<string, string>();

        using (Activity? span = _tracer.StartProducer(Send))
        {
            _tracer.Inject(span, headers, StringDictionaryCarrierAdapter.Instance);
            Assert.Equal(TraceParentCodec.Format(span!.Context), headers["traceparent"]);
        }
    }

    [Fact]
    public void FollowsFrom_parents_on_the_producer_and_links_to_it()
    {
        using var collector = new SpanCollector();
        ActivityContext producer = ProduceAndCapture(collector);

        using (ProcessScope scope = _tracer.StartProcess(new PropagationContext(producer, default), Process))
        {
            Assert.Same(scope.Activity, Activity.Current);
        }

        Activity process = collector.Spans.Single(s => s.Kind == ActivityKind.Consumer);
        Assert.Equal(producer.TraceId, process.TraceId);
        Assert.Equal(producer.SpanId, process.ParentSpanId);
        AssertFollowsFromLink(producer, process);
        Assert.Equal("process orders", process.DisplayName);
        Assert.Equal("process", process.GetTagItem("messaging.operation.type"));
    }

    [Fact]
    public void FollowsFrom_parents_on_the_ambient_span_when_one_is_active()
    {
        using var collector = new SpanCollector();
        ActivityContext producer = ProduceAndCapture(collector);
        using Activity ambient = collector.StartRootSpan("consumer loop");

        using (_tracer.StartProcess(new PropagationContext(producer, default), Process))
        {
        }

        Activity process = collector.Spans.Single(s => s.Kind == ActivityKind.Consumer);
        Assert.Equal(ambient.TraceId, process.TraceId);
        Assert.Equal(ambient.SpanId, process.ParentSpanId);
        AssertFollowsFromLink(producer, process);
        Assert.Same(ambient, Activity.Current);
    }

    [Fact]
    public void A_stopped_current_span_is_not_taken_as_the_ambient_parent()
    {
        using var collector = new SpanCollector();
        ActivityContext producer = ProduceAndCapture(collector);

        // A dispatcher loop started inside a short span keeps that span current after it has ended elsewhere.
        ExecutionContext dispatcher;
        using (collector.StartRootSpan("channel created here"))
        {
            dispatcher = ExecutionContext.Capture()!;
        }

        Activity? ambientSeen = null;
        ExecutionContext.Run(dispatcher, _ =>
        {
            ambientSeen = Activity.Current;
            using (_tracer.StartProcess(new PropagationContext(producer, default), Process))
            {
            }
        }, null);

        Assert.True(ambientSeen!.IsStopped);
        Activity process = collector.Spans.Single(s => s.Kind == ActivityKind.Consumer);
        Assert.Equal(producer.TraceId, process.TraceId);
        Assert.Equal(producer.SpanId, process.ParentSpanId);
    }

    [Fact]
    public void ChildOf_parents_on_the_producer_without_a_link_even_with_an_ambient_span()
    {
        using var collector = new SpanCollector();
        ActivityContext producer = ProduceAndCapture(collector);
        using Activity ambient = collector.StartRootSpan("consumer loop");

        using (_tracer.StartProcess(new PropagationContext(producer, default), Process, MessageRelationship.ChildOf))
        {
        }

        Activity process = collector.Spans.Single(s => s.Kind == ActivityKind.Consumer);
        Assert.Equal(producer.TraceId, process.TraceId);
        Assert.Equal(producer.SpanId, process.ParentSpanId);
        Assert.Empty(process.Links);
    }

    [Fact]
    public void NewTrace_sets_the_ambient_span_aside_starts_a_root_and_links()
    {
        using var collector = new SpanCollector();
        ActivityContext producer = ProduceAndCapture(collector);
        using Activity ambient = collector.StartRootSpan("consumer loop");

        using (ProcessScope scope = _tracer.StartProcess(new PropagationContext(producer, default), Process, MessageRelationship.NewTrace))
        {
            Assert.Same(scope.Activity, Activity.Current);
            Assert.Null(scope.Activity!.Parent);
        }

        Activity process = collector.Spans.Single(s => s.Kind == ActivityKind.Consumer);
        Assert.NotEqual(producer.TraceId, process.TraceId);
        Assert.NotEqual(ambient.TraceId, process.TraceId);
        Assert.Equal(default, process.ParentSpanId);
        AssertFollowsFromLink(producer, process);
        Assert.Same(ambient, Activity.Current);
    }

    [Fact]
    public void Without_producer_context_the_process_span_is_a_root_without_links()
    {
        using var collector = new SpanCollector();

        using (_tracer.StartProcess(default, Process))
        {
        }

        Activity process = Assert.Single(collector.Spans);
        Assert.Equal(default, process.ParentSpanId);
        Assert.Empty(process.Links);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Untrusted_context_never_becomes_a_parent_and_its_baggage_is_dropped(bool linkUntrusted)
    {
        var tracer = new MessagingTracer(new MessagingTracingOptions { TrustIncomingContext = false, LinkUntrustedContext = linkUntrusted });
        using var collector = new SpanCollector();
        ActivityContext producer = ProduceAndCapture(collector);
        var baggage = Baggage.Create(new Dictionary<string, string> { ["role"] = "admin" });

        using (tracer.StartProcess(new PropagationContext(producer, baggage), Process, MessageRelationship.ChildOf))
        {
            Assert.Equal(0, Baggage.Current.Count);
        }

        Activity process = collector.Spans.Single(s => s.Kind == ActivityKind.Consumer);
        Assert.NotEqual(producer.TraceId, process.TraceId);
        Assert.Equal(linkUntrusted ? 1 : 0, process.Links.Count());
    }

    [Fact]
    public void The_scope_restores_activity_and_baggage_after_the_handler_throws()
    {
        using var collector = new SpanCollector();
        ActivityContext producer = ProduceAndCapture(collector);
        using Activity ambient = collector.StartRootSpan("loop");
        Baggage.Current = Baggage.Create(new Dictionary<string, string> { ["before"] = "1" });
        var messageBaggage = Baggage.Create(new Dictionary<string, string> { ["tenant"] = "acme" });

        Action handle = () =>
        {
            using ProcessScope scope = _tracer.StartProcess(new PropagationContext(producer, messageBaggage), Process);
            try
            {
                Assert.Equal("acme", Baggage.Current.GetBaggage("tenant"));
                throw new InvalidOperationException("handler failed");
            }
            catch (Exception ex)
            {
                scope.RecordException(ex);
                throw;
            }
        };

        InvalidOperationException thrown = Assert.Throws<InvalidOperationException>(handle);

        Assert.Equal("handler failed", thrown.Message);
        Assert.Same(ambient, Activity.Current);
        Assert.Equal("1", Baggage.Current.GetBaggage("before"));
        Assert.Null(Baggage.Current.GetBaggage("tenant"));
        Activity process = collector.Spans.Single(s => s.Kind == ActivityKind.Consumer);
        Assert.Equal(ActivityStatusCode.Error, process.Status);
        Assert.Equal("handler failed", process.StatusDescription);
        Assert.Equal(typeof(InvalidOperationException).FullName, process.GetTagItem("error.type"));
        Assert.Equal("exception", Assert.Single(process.Events).Name);
    }

    [Fact]
    public void Disposing_twice_restores_once()
    {
        using var collector = new SpanCollector();
        ProcessScope scope = _tracer.StartProcess(default, Process);
        scope.Dispose();
        using Activity later = collector.StartRootSpan("later");

        scope.Dispose();

        Assert.Same(later, Activity.Current);
    }

    [Fact]
    public void An_unsampled_producer_stays_unsampled_downstream()
    {
        using var collector = new SpanCollector();
        var unsampled = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None);
        var onward = new Dictionary<string, string>();

        using (ProcessScope scope = _tracer.StartProcess(new PropagationContext(unsampled, default), Process))
        {
            Assert.NotNull(scope.Activity);
            Assert.False(scope.Activity!.Recorded);
            using Activity? send = _tracer.StartProducer(Send);
            _tracer.Inject(send, onward, StringDictionaryCarrierAdapter.Instance);
        }

        Assert.Empty(collector.Spans);
        ActivityContext sent = _tracer.Extract(onward, StringDictionaryCarrierAdapter.Instance).ActivityContext;
        Assert.Equal(unsampled.TraceId, sent.TraceId);
        Assert.Equal(ActivityTraceFlags.None, sent.TraceFlags);
    }

    // W3C Trace Context Level 2, "Random Trace ID Flag": set on the way in, it "MUST also be set in all outgoing traceparent
    // headers which use the same trace-id"; unset on the way in, it must stay unset. DiagnosticSource 10 keeps it on the
    // process span but not on the producer span started inside; DiagnosticSource 11 keeps it on both.
    [Theory]
    [InlineData("03")]
    [InlineData("01")]
    [InlineData("02")]
    [InlineData("00")]
    public void A_producer_started_in_the_handler_sends_the_flags_received_with_a_new_parent_id(string flags)
    {
        using var collector = new SpanCollector();
        string traceId = ActivityTraceId.CreateRandom().ToHexString();
        var incoming = new Dictionary<string, string> { ["traceparent"] = $"00-{traceId}-b7ad6b7169203331-{flags}" };
        var onward = new Dictionary<string, string>();
        Activity? send;

        using (ProcessScope scope = _tracer.StartProcess(_tracer.Extract(incoming, StringDictionaryCarrierAdapter.Instance), Process))
        {
            Assert.NotNull(scope.Activity);
            send = _tracer.StartProducer(Send);
            Assert.NotNull(send);
            Assert.Same(scope.Activity, send!.Parent);
            _tracer.Inject(send, onward, StringDictionaryCarrierAdapter.Instance);
            send.Stop();
        }

        Assert.Equal($"00-{traceId}-{send.SpanId.ToHexString()}-{flags}", onward["traceparent"]);
    }

    [Fact]
    public void Inject_carries_the_random_flag_of_a_local_ancestor_of_the_same_trace()
    {
        // What DiagnosticSource 10 does, built by hand so both client sets check it: the span started from the remote parent
        // has 03, its local descendants only 01.
        var traceId = ActivityTraceId.CreateRandom();
        var headers = new Dictionary<string, string>();
        using Activity received = new Activity("received").SetIdFormat(ActivityIdFormat.W3C)
            .SetParentId(traceId, ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded | Random).Start();
        using Activity handler = new Activity("handler").SetIdFormat(ActivityIdFormat.W3C).Start();
        using Activity send = new Activity("send").SetIdFormat(ActivityIdFormat.W3C).Start();
        handler.ActivityTraceFlags = ActivityTraceFlags.Recorded;
        send.ActivityTraceFlags = ActivityTraceFlags.Recorded;

        _tracer.Inject(send, headers, StringDictionaryCarrierAdapter.Instance);
        Assert.Equal($"00-{traceId.ToHexString()}-{send.SpanId.ToHexString()}-03", headers["traceparent"]);

        // The span's own flags otherwise: the sampled flag is never forced.
        received.ActivityTraceFlags = ActivityTraceFlags.Recorded;
        send.ActivityTraceFlags = ActivityTraceFlags.None;
        handler.ActivityTraceFlags = Random;
        _tracer.Inject(send, headers, StringDictionaryCarrierAdapter.Instance);
        Assert.EndsWith("-02", headers["traceparent"], StringComparison.Ordinal);

        handler.ActivityTraceFlags = ActivityTraceFlags.None;
        _tracer.Inject(send, headers, StringDictionaryCarrierAdapter.Instance);
        Assert.EndsWith("-00", headers["traceparent"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0x03)]
    [InlineData(0x02)]
    public void A_NewTrace_consumer_does_not_take_the_producers_flags_into_its_new_trace(int producerFlags)
    {
        using var collector = new SpanCollector();
        var producer = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), (ActivityTraceFlags)producerFlags, null, isRemote: true);
        var onward = new Dictionary<string, string>();
        Activity? root;

        using (ProcessScope scope = _tracer.StartProcess(new PropagationContext(producer, default), Process, MessageRelationship.NewTrace))
        {
            root = scope.Activity;
            using Activity? send = _tracer.StartProducer(Send);
            _tracer.Inject(send, onward, StringDictionaryCarrierAdapter.Instance);
        }

        ActivityContext sent = _tracer.Extract(onward, StringDictionaryCarrierAdapter.Instance).ActivityContext;
        Assert.NotEqual(producer.TraceId, sent.TraceId);
        Assert.Equal(root!.TraceId, sent.TraceId);

        // A new root is sampled here (parent-based, always on); the random flag is the runtime's own: DiagnosticSource 11
        // sets it on the trace ids it makes, 10 does not (and then it is not taken from the producer).
        Assert.Equal(ActivityTraceFlags.Recorded | (RuntimeMarksRandomTraceIds ? Random : ActivityTraceFlags.None), sent.TraceFlags);
    }

    [Fact]
    public void Batch_links_every_producer_and_starts_a_new_trace_by_default()
    {
        using var collector = new SpanCollector();
        ActivityContext[] producers = [ProduceAndCapture(collector), ProduceAndCapture(collector), ProduceAndCapture(collector)];
        PropagationContext[] incoming = [.. producers.Select(p => new PropagationContext(p, default)), default];

        using (_tracer.StartBatchProcess(incoming, Process))
        {
        }

        Activity batch = collector.Spans.Single(s => s.Kind == ActivityKind.Consumer);
        Assert.Equal(default, batch.ParentSpanId);
        Assert.Equal(producers.Select(p => p.SpanId), batch.Links.Select(l => l.Context.SpanId));
        Assert.All(batch.Links, l => Assert.Contains(l.Tags!, t => t.Key == "opentracing.ref_type" && (string?)t.Value == "follows_from"));
        Assert.Equal(4, batch.GetTagItem("messaging.batch.message_count"));
    }

    [Fact]
    public void Enrichment_callbacks_add_tags_and_a_throwing_one_does_not_break_the_span()
    {
        var tracer = new MessagingTracer(new MessagingTracingOptions
        {
            EnrichProducerSpan = (activity, message) => activity.SetTag("app.message", message),
            EnrichProcessSpan = (_, _) => throw new InvalidOperationException("enricher bug"),
        });
        using var collector = new SpanCollector();

        using (tracer.StartProducer(Send, "order-1"))
        {
        }

        using (ProcessScope scope = tracer.StartProcess(default, Process, message: "order-1"))
        {
            Assert.NotNull(scope.Activity);
        }

        Assert.Equal("order-1", collector.Spans.Single(s => s.Kind == ActivityKind.Producer).GetTagItem("app.message"));
        Assert.Equal(ActivityStatusCode.Unset, collector.Spans.Single(s => s.Kind == ActivityKind.Consumer).Status);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_bridged_span_gets_the_process_name_attributes_and_enrichment_and_a_throwing_enricher_is_contained(bool enricherThrows)
    {
        var tracer = new MessagingTracer(new MessagingTracingOptions
        {
            EnrichProcessSpan = (activity, message) =>
            {
                activity.SetTag("app.message", message);
                if (enricherThrows)
                {
                    throw new InvalidOperationException("enricher bug");
                }
            },
        });
        using var collector = new SpanCollector();

        // Another library's consumer span (as RabbitMQ.Client's deliver span), here one of the kit's source.
        using (Activity foreign = collector.StartRootSpan("deliver", ActivityKind.Consumer))
        {
            tracer.DescribeBridgedProcess(foreign, Process, "order-1");
        }

        Activity bridged = Assert.Single(collector.Spans);
        Assert.Equal("process orders", bridged.DisplayName);
        Assert.Equal("kafka", bridged.GetTagItem("messaging.system"));
        Assert.Equal("process", bridged.GetTagItem("messaging.operation.type"));
        Assert.Equal("process", bridged.GetTagItem("messaging.operation.name"));
        Assert.Equal("orders", bridged.GetTagItem("messaging.destination.name"));
        Assert.Equal("order-1", bridged.GetTagItem("app.message"));
        Assert.Equal(ActivityStatusCode.Unset, bridged.Status);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_bridged_producer_span_gets_the_send_name_attributes_and_enrichment_and_a_throwing_enricher_is_contained(bool enricherThrows)
    {
        var tracer = new MessagingTracer(new MessagingTracingOptions
        {
            EnrichProducerSpan = (activity, message) =>
            {
                activity.SetTag("app.message", message);
                if (enricherThrows)
                {
                    throw new InvalidOperationException("enricher bug");
                }
            },
            EnrichProcessSpan = (activity, _) => activity.SetTag("app.wrong", "process enrichment"),
        });
        using var collector = new SpanCollector();

        // Another library's producer span (as MassTransit's send span), here one of the kit's source, with an attribute of its own.
        using (Activity foreign = collector.StartRootSpan("orders send", ActivityKind.Producer))
        {
            foreign.SetTag("messaging.foreign.extra", "kept");
            tracer.DescribeBridgedProducer(foreign, Send, "order-1");
        }

        Activity bridged = Assert.Single(collector.Spans);
        Assert.Equal("send orders", bridged.DisplayName);
        Assert.Equal("kafka", bridged.GetTagItem("messaging.system"));
        Assert.Equal("send", bridged.GetTagItem("messaging.operation.type"));
        Assert.Equal("orders", bridged.GetTagItem("messaging.destination.name"));
        Assert.Equal("kept", bridged.GetTagItem("messaging.foreign.extra"));
        Assert.Equal("order-1", bridged.GetTagItem("app.message"));
        Assert.Null(bridged.GetTagItem("app.wrong"));
        Assert.Equal(ActivityStatusCode.Unset, bridged.Status);
    }

    [Fact]
    public void Options_are_validated_when_the_tracer_is_built()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MessagingTracer(new MessagingTracingOptions { DefaultRelationship = (MessageRelationship)42 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MessagingTracer(new MessagingTracingOptions { BatchRelationship = (MessageRelationship)(-1) }));
    }

    [Fact]
    public void Received_baggage_properties_go_on_with_their_member_from_extract_through_the_process_scope_to_the_next_inject()
    {
        using var collector = new SpanCollector();
        var tracer = new MessagingTracer(new MessagingTracingOptions { OutboundBaggageFilter = key => key != "flag" });
        var received = new Dictionary<string, string>
        {
            ["traceparent"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            ["baggage"] = "tenant=acme;scope=eu%20west ; ttl = 30;scope,user=alice,flag=on;p",
        };
        PropagationContext incoming = tracer.Extract(received, StringDictionaryCarrierAdapter.Instance);

        using (tracer.StartProcess(incoming, Process))
        {
            Assert.Equal([new("scope", "eu west"), new("ttl", "30"), new("scope", null)], BaggageProperties.Get("tenant"));

            // Written canonically; the filtered key goes with its properties.
            Assert.Equal("tenant=acme;scope=eu%20west;ttl=30;scope,user=alice", InjectFromProducer(tracer));

            // The application's own members do not disturb them.
            Baggage.SetBaggage("request", "r1");
            Assert.Equal("tenant=acme;scope=eu%20west;ttl=30;scope,user=alice,request=r1", InjectFromProducer(tracer));

            // A new value is a new member, without them; a removed member is not written.
            Baggage.SetBaggage("tenant", "globex");
            Baggage.RemoveBaggage("user");
            Assert.Equal("tenant=globex,request=r1", InjectFromProducer(tracer));
            Assert.Empty(BaggageProperties.Get("tenant"));
        }

        Assert.Empty(BaggageProperties.Get("tenant"));
    }

    [Fact]
    public void An_inbound_filter_drops_a_member_with_its_properties()
    {
        var tracer = new MessagingTracer(new MessagingTracingOptions { InboundBaggageFilter = key => key != "secret" });
        var received = new Dictionary<string, string> { ["baggage"] = "secret=s;p=1,tenant=acme;scope=eu" };

        using (tracer.StartProcess(tracer.Extract(received, StringDictionaryCarrierAdapter.Instance), Process))
        {
            Assert.Empty(BaggageProperties.Get("secret"));
            Assert.Equal("tenant=acme;scope=eu", InjectFromProducer(tracer));
        }
    }

    private static string? InjectFromProducer(MessagingTracer tracer)
    {
        var headers = new Dictionary<string, string>();
        using Activity? span = tracer.StartProducer(Send);
        tracer.Inject(span, headers, StringDictionaryCarrierAdapter.Instance);
        return headers.GetValueOrDefault("baggage");
    }

    private ActivityContext ProduceAndCapture(SpanCollector collector)
    {
        using Activity? span = _tracer.StartProducer(Send);
        Assert.NotNull(span);
        Assert.True(span!.Recorded, $"collector {collector.GetHashCode()} records producer spans");
        return span.Context;
    }

    private static void AssertFollowsFromLink(ActivityContext producer, Activity process)
    {
        ActivityLink link = Assert.Single(process.Links);
        Assert.Equal(producer.TraceId, link.Context.TraceId);
        Assert.Equal(producer.SpanId, link.Context.SpanId);
        Assert.Contains(link.Tags!, t => t.Key == "opentracing.ref_type" && (string?)t.Value == "follows_from");
    }
}
