// A fresh application on the packed Messaging.Tracing.Kafka package, as a user builds it (eng/consumer-check.sh): a traced
// produce and consume on librdkafka's mock cluster, exported through the OpenTelemetry SDK. Exits 0 when the handler ran
// inside a process span of the producer's trace, with the baggage restored; prints why otherwise.
using System.Diagnostics;
using Confluent.Kafka;
using Messaging.Tracing;
using Messaging.Tracing.Kafka;
using OpenTelemetry;
using OpenTelemetry.Trace;

var exported = new List<Activity>();
using TracerProvider tracing = Sdk.CreateTracerProviderBuilder()
    .AddSource("consumer-app")
    .AddMessagingTracing()
    .AddInMemoryExporter(exported)
    .Build();
using var appSource = new ActivitySource("consumer-app");

// The mock cluster lives in this producer's handle; its brokers' addresses come from the metadata.
var mockConfig = new ProducerConfig { BootstrapServers = "localhost:1" };
mockConfig.Set("test.mock.num.brokers", "1");
using IProducer<Null, Null> mockHost = new ProducerBuilder<Null, Null>(mockConfig).Build();
using IAdminClient admin = new DependentAdminClientBuilder(mockHost.Handle).Build();
string servers = string.Join(",", admin.GetMetadata(TimeSpan.FromSeconds(10)).Brokers.Select(b => $"{b.Host}:{b.Port}"));

const string topic = "orders";
using TracedProducer<string, string> producer = new TracedProducerBuilder<string, string>(
    new ProducerConfig { BootstrapServers = servers, ClientId = "orders-api" }, MessagingTracer.Default).Build();
string producerTraceId;
using (Activity? request = appSource.StartActivity("POST /orders"))
{
    Baggage.SetBaggage("tenant", "t1");
    producerTraceId = request!.TraceId.ToHexString();
    await producer.ProduceAsync(topic, new Message<string, string> { Key = "order-1", Value = "{}" });
}

using TracedConsumer<string, string> consumer = new TracedConsumerBuilder<string, string>(
    new ConsumerConfig { BootstrapServers = servers, GroupId = "billing", AutoOffsetReset = AutoOffsetReset.Earliest }, MessagingTracer.Default).Build();
consumer.Subscribe(topic);
string? handlerTraceId = null;
string? handlerTenant = null;
using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60)); // the mock's first group join takes ~3 s
await consumer.ConsumeAndProcessAsync((result, ct) =>
{
    handlerTraceId = Activity.Current?.TraceId.ToHexString();
    handlerTenant = Baggage.GetBaggage("tenant");
    return Task.CompletedTask;
}, deadline.Token);

consumer.Close();
tracing.ForceFlush();
bool processSpanExported = exported.Any(a => a.Kind == ActivityKind.Consumer && a.DisplayName == $"process {topic}" && a.TraceId.ToHexString() == producerTraceId);
Console.WriteLine($"Confluent.Kafka {Library.VersionString}: producer trace {producerTraceId}, handler trace {handlerTraceId}, tenant {handlerTenant}, process span exported: {processSpanExported}");
return handlerTraceId == producerTraceId && handlerTenant == "t1" && processSpanExported ? 0 : 1;
