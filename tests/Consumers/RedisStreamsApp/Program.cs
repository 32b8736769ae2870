// A fresh application on the packed Messaging.Tracing.Redis package, as the README tells a user to write it
// (eng/consumer-check.sh builds and runs it on StackExchange.Redis 3.x and 2.x): register once — a baggage deny list and an
// enrichment callback — then pass the registered tracer right after the database, against REDIS_CONNECTION. It reads the
// raw entry with a plain XRANGE, then consumes with the traced consumer group reader. Prints one line of findings; exits 0
// only when every check holds.
using System.Diagnostics;
using System.Reflection;
using Messaging.Tracing;
using Messaging.Tracing.Redis;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;
using StackExchange.Redis;

var exported = new List<Activity>();
var services = new ServiceCollection();
services.AddMessagingTracing(o =>
{
    o.OutboundBaggageFilter = BaggageKeyFilter.Deny("user.email");
    o.EnrichProcessSpan = (span, message) =>
    {
        if (message is StreamMessage entry && entry.TryGetValue("order-id", out RedisValue orderId))
        {
            span.SetTag("app.order_id", (string?)orderId);
        }
    };
});
services.AddOpenTelemetry().WithTracing(t => t.AddSource("consumer-app").AddMessagingTracing().AddInMemoryExporter(exported));
services.AddSingleton<IConnectionMultiplexer>(
    await ConnectionMultiplexer.ConnectAsync(Environment.GetEnvironmentVariable("REDIS_CONNECTION") ?? "localhost:6379"));
await using ServiceProvider provider = services.BuildServiceProvider();
TracerProvider tracing = provider.GetRequiredService<TracerProvider>();   // without a host, resolving it starts it
using var appSource = new ActivitySource("consumer-app");

MessagingTracer tracer = provider.GetRequiredService<MessagingTracer>();   // what a class gets injected
IDatabase db = provider.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
string stream = $"orders-{Guid.NewGuid():N}";

// Append inside an application span, with two baggage members current.
string producerTrace;
using (Activity? request = appSource.StartActivity("POST /orders"))
{
    producerTrace = request!.TraceId.ToHexString();
    Baggage.SetBaggage("user.email", "alice@example.com");
    Baggage.SetBaggage("tenant", "t1");
    await db.StreamAddTracedAsync(tracer, stream, [new NameValueEntry("order-id", "order-1")]);
}
Baggage.ClearBaggage();   // what the consumer sees from here on came over the wire

// The raw wire: the entry's fields as Redis stores them.
StreamEntry[] raw = await db.StreamRangeAsync(stream);
string? wireBaggage = raw.Length == 1 ? (string?)raw[0]["baggage"] : null;

// The traced consumer group reader: the handler runs inside the process span; the entry is acknowledged after it.
var consumer = new TracedStreamConsumer(db, tracer, stream, group: "billing", consumer: "app-1",
    new TracedStreamConsumerOptions { GroupStartId = "0", MaxWait = TimeSpan.FromSeconds(10) });
string? handlerTrace = null, handlerTenant = null, handlerEmail = null;
await consumer.ReadAndProcessAsync((entry, ct) =>
{
    handlerTrace = Activity.Current?.TraceId.ToHexString();
    handlerTenant = Baggage.GetBaggage("tenant");
    handlerEmail = Baggage.GetBaggage("user.email");
    return Task.CompletedTask;
});
long pending = (await db.StreamPendingAsync(stream, "billing")).PendingMessageCount;
await db.KeyDeleteAsync(stream);

tracing.ForceFlush();
Activity? process = exported.FirstOrDefault(a => a.DisplayName == $"process {stream}");
string? enrichment = process?.GetTagItem("app.order_id") as string;
string version = typeof(IDatabase).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "?";
Console.WriteLine($"StackExchange.Redis {version}: wire baggage \"{wireBaggage}\"; handler in the producer's trace: " +
    $"{handlerTrace == producerTrace}, baggage tenant={handlerTenant} user.email={handlerEmail}, pending after {pending}; " +
    $"exported \"{process?.DisplayName}\" app.order_id={enrichment}");
string[] failures = new (bool Holds, string Failure)[]
{
    (wireBaggage?.Split(',').Contains("tenant=t1") == true, "tenant=t1 is not in the wire's baggage"),
    (wireBaggage?.Contains("user.email") != true, "the denied user.email reached the wire"),
    (handlerTrace == producerTrace, $"the handler ran in trace {handlerTrace ?? "(none: it did not run)"}, not the producer's {producerTrace}"),
    (handlerTenant == "t1" && handlerEmail is null, "the handler's baggage is not tenant=t1 without user.email"),
    (pending == 0, "the entry was not acknowledged"),
    (enrichment == "order-1", "no exported process span with the enrichment tag app.order_id=order-1"),
}.Where(c => !c.Holds).Select(c => c.Failure).ToArray();
if (failures.Length > 0)
{
    Console.WriteLine($"FAILED: {string.Join("; ", failures)}");
}
return failures.Length == 0 ? 0 : 1;
