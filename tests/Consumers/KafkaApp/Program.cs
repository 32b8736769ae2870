// A fresh application on the packed Messaging.Tracing.Kafka package, as the README tells a user to write it
// (eng/consumer-check.sh builds and runs it): register once — a baggage deny list and an enrichment callback — then the
// traced clients from the container, on librdkafka's mock cluster. It reads the raw wire with a plain consumer of its own
// group, then consumes with the traced consumer. Prints one line of findings; exits 0 only when every check holds.
using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using Messaging.Tracing;
using Messaging.Tracing.Kafka;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;

// The mock cluster lives in this producer's handle; its brokers' addresses come from the metadata.
var mockConfig = new ProducerConfig { BootstrapServers = "localhost:1" };
mockConfig.Set("test.mock.num.brokers", "1");
using IProducer<Null, Null> mockHost = new ProducerBuilder<Null, Null>(mockConfig).Build();
using IAdminClient admin = new DependentAdminClientBuilder(mockHost.Handle).Build();
string servers = string.Join(",", admin.GetMetadata(TimeSpan.FromSeconds(10)).Brokers.Select(b => $"{b.Host}:{b.Port}"));
string topic = $"orders-{Guid.NewGuid():N}";

var exported = new List<Activity>();
var services = new ServiceCollection();
services.AddMessagingTracing(o =>
{
    o.OutboundBaggageFilter = BaggageKeyFilter.Deny("user.email");
    o.EnrichProcessSpan = (span, message) =>
    {
        if (message is ConsumeResult<string, string> record)
        {
            span.SetTag("app.order_id", record.Message.Key);
        }
    };
});
services.AddOpenTelemetry().WithTracing(t => t.AddSource("consumer-app").AddMessagingTracing().AddInMemoryExporter(exported));
services.AddTracedKafkaProducer<string, string>(new ProducerConfig { BootstrapServers = servers, ClientId = "orders-api" });
services.AddTracedKafkaConsumer<string, string>(
    new ConsumerConfig { BootstrapServers = servers, GroupId = "billing", AutoOffsetReset = AutoOffsetReset.Earliest });
await using ServiceProvider provider = services.BuildServiceProvider();
TracerProvider tracing = provider.GetRequiredService<TracerProvider>();   // without a host, resolving it starts it
using var appSource = new ActivitySource("consumer-app");

// Produce inside an application span, with two baggage members current.
string producerTrace;
using (Activity? request = appSource.StartActivity("POST /orders"))
{
    producerTrace = request!.TraceId.ToHexString();
    Baggage.SetBaggage("user.email", "alice@example.com");
    Baggage.SetBaggage("tenant", "t1");
    await provider.GetRequiredService<TracedProducer<string, string>>()
        .ProduceAsync(topic, new Message<string, string> { Key = "order-1", Value = "{}" });
}
Baggage.ClearBaggage();   // what the consumer sees from here on came over the wire

// The raw wire, read by a plain consumer of another group.
string? wireBaggage = null;
using (IConsumer<string, string> plain = new ConsumerBuilder<string, string>(
    new ConsumerConfig { BootstrapServers = servers, GroupId = "raw-reader", AutoOffsetReset = AutoOffsetReset.Earliest }).Build())
{
    plain.Subscribe(topic);
    ConsumeResult<string, string>? raw = plain.Consume(TimeSpan.FromSeconds(60));   // the mock's first group join takes ~3 s
    if (raw is not null && raw.Message.Headers.TryGetLastBytes("baggage", out byte[] value))
    {
        wireBaggage = Encoding.UTF8.GetString(value);
    }
    plain.Close();
}

// The traced consumer from the container: the handler runs inside the process span.
TracedConsumer<string, string> consumer = provider.GetRequiredService<TracedConsumer<string, string>>();
consumer.Subscribe(topic);
string? handlerTrace = null, handlerTenant = null, handlerEmail = null;
await consumer.ConsumeAndProcessAsync(TimeSpan.FromSeconds(60), (result, ct) =>
{
    handlerTrace = Activity.Current?.TraceId.ToHexString();
    handlerTenant = Baggage.GetBaggage("tenant");
    handlerEmail = Baggage.GetBaggage("user.email");
    return Task.CompletedTask;
});
consumer.Close();

tracing.ForceFlush();
Activity? process = exported.FirstOrDefault(a => a.DisplayName == $"process {topic}");
string? enrichment = process?.GetTagItem("app.order_id") as string;
Console.WriteLine($"Confluent.Kafka {Library.VersionString}: wire baggage \"{wireBaggage}\"; handler in the producer's trace: " +
    $"{handlerTrace == producerTrace}, baggage tenant={handlerTenant} user.email={handlerEmail}; exported \"{process?.DisplayName}\" app.order_id={enrichment}");
string[] failures = new (bool Holds, string Failure)[]
{
    (wireBaggage?.Split(',').Contains("tenant=t1") == true, "tenant=t1 is not in the wire's baggage"),
    (wireBaggage?.Contains("user.email") != true, "the denied user.email reached the wire"),
    (handlerTrace == producerTrace, $"the handler ran in trace {handlerTrace ?? "(none: it did not run)"}, not the producer's {producerTrace}"),
    (handlerTenant == "t1" && handlerEmail is null, "the handler's baggage is not tenant=t1 without user.email"),
    (enrichment == "order-1", "no exported process span with the enrichment tag app.order_id=order-1"),
}.Where(c => !c.Holds).Select(c => c.Failure).ToArray();
if (failures.Length > 0)
{
    Console.WriteLine($"FAILED: {string.Join("; ", failures)}");
}
return failures.Length == 0 ? 0 : 1;
