// A fresh application on the packed Messaging.Tracing.Redis package, as a user builds it (eng/consumer-check.sh runs it on
// StackExchange.Redis 3.x and 2.x): a traced stream round trip against REDIS_CONNECTION, exported through the OpenTelemetry
// SDK. Exits 0 when the handler ran inside a process span of the producer's trace, with the baggage restored and the entry
// acknowledged; prints why otherwise.
using System.Diagnostics;
using System.Reflection;
using Messaging.Tracing;
using Messaging.Tracing.Redis;
using OpenTelemetry;
using OpenTelemetry.Trace;
using StackExchange.Redis;

var exported = new List<Activity>();
using TracerProvider tracing = Sdk.CreateTracerProviderBuilder()
    .AddSource("consumer-app")
    .AddMessagingTracing()
    .AddInMemoryExporter(exported)
    .Build();
using var appSource = new ActivitySource("consumer-app");

string connection = Environment.GetEnvironmentVariable("REDIS_CONNECTION") ?? "localhost:6379";
await using ConnectionMultiplexer redis = await ConnectionMultiplexer.ConnectAsync(connection);
IDatabase db = redis.GetDatabase();
string stream = $"consumer-app-{Guid.NewGuid():N}";

string producerTraceId;
RedisValue id;
using (Activity? request = appSource.StartActivity("POST /orders"))
{
    Baggage.SetBaggage("tenant", "t1");
    producerTraceId = request!.TraceId.ToHexString();
    id = await db.StreamAddTracedAsync(MessagingTracer.Default, stream, [new NameValueEntry("order-id", "42")]);
}

var consumer = new TracedStreamConsumer(db, MessagingTracer.Default, stream, group: "billing", consumer: "app-1",
    new TracedStreamConsumerOptions { GroupStartId = "0", MaxWait = TimeSpan.FromSeconds(10) });
string? handlerTraceId = null;
string? handlerTenant = null;
IReadOnlyList<StreamMessage> handled = await consumer.ReadAndProcessAsync((entry, ct) =>
{
    handlerTraceId = Activity.Current?.TraceId.ToHexString();
    handlerTenant = Baggage.GetBaggage("tenant");
    return Task.CompletedTask;
});

StreamPendingInfo pending = await db.StreamPendingAsync(stream, "billing");
await db.KeyDeleteAsync(stream);
tracing.ForceFlush();
bool processSpanExported = exported.Any(a => a.Kind == ActivityKind.Consumer && a.DisplayName == $"process {stream}" && a.TraceId.ToHexString() == producerTraceId);
string version = typeof(IDatabase).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?";
Console.WriteLine($"StackExchange.Redis {version}: entry {id}, handled {handled.Count}, producer trace {producerTraceId}, handler trace {handlerTraceId}, tenant {handlerTenant}, pending after {pending.PendingMessageCount}, process span exported: {processSpanExported}");
return handled.Count == 1 && handlerTraceId == producerTraceId && handlerTenant == "t1" && pending.PendingMessageCount == 0 && processSpanExported ? 0 : 1;
