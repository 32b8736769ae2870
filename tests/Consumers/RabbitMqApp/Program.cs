// A fresh application on the packed Messaging.Tracing.RabbitMQ package, as the README tells a user to write it
// (eng/consumer-check.sh builds and runs it): register once — a baggage deny list and an enrichment callback — then pass the
// registered tracer right after the channel, against RABBITMQ_URI. A fanout exchange feeds two queues: one read raw with
// basic.get, one consumed by the traced consumer. Prints one line of findings; exits 0 only when every check holds.
using System.Diagnostics;
using System.Reflection;
using System.Text;
using Messaging.Tracing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

var exported = new List<Activity>();
var services = new ServiceCollection();
services.AddMessagingTracing(o =>
{
    o.OutboundBaggageFilter = BaggageKeyFilter.Deny("user.email");
    o.EnrichProcessSpan = (span, message) =>
    {
        if (message is BasicDeliverEventArgs delivery)
        {
            span.SetTag("app.order_id", delivery.BasicProperties.MessageId);
        }
    };
});
services.AddOpenTelemetry().WithTracing(t => t.AddSource("consumer-app").AddMessagingTracing().AddInMemoryExporter(exported));
var factory = new ConnectionFactory { Uri = new Uri(Environment.GetEnvironmentVariable("RABBITMQ_URI") ?? "amqp://guest:guest@localhost:5672/") };
services.AddSingleton(await factory.CreateConnectionAsync());
await using ServiceProvider provider = services.BuildServiceProvider();
TracerProvider tracing = provider.GetRequiredService<TracerProvider>();   // without a host, resolving it starts it
using var appSource = new ActivitySource("consumer-app");

MessagingTracer tracer = provider.GetRequiredService<MessagingTracer>();   // what a class gets injected
IConnection connection = provider.GetRequiredService<IConnection>();

// Channels are created outside request spans. The queues are exclusive (gone with the connection) and the exchange
// auto-deletes (gone with its last queue), so nothing is left on the broker.
await using IChannel channel = await connection.CreateChannelAsync(
    new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
string exchange = $"orders-{Guid.NewGuid():N}", billing = $"{exchange}.billing", wire = $"{exchange}.wire";
await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: false, autoDelete: true);
foreach (string queue in new[] { billing, wire })
{
    await channel.QueueDeclareAsync(queue, durable: false, exclusive: true, autoDelete: false);
    await channel.QueueBindAsync(queue, exchange, routingKey: "");
}

// The traced consumer: the handler runs inside the process span; acking stays the application's.
var handled = new TaskCompletionSource<(string? Trace, string? Tenant, string? Email)>(TaskCreationOptions.RunContinuationsAsynchronously);
await channel.BasicConsumeTracedAsync(tracer, billing, autoAck: false, async (delivery, ct) =>
{
    (string?, string?, string?) seen = (Activity.Current?.TraceId.ToHexString(), Baggage.GetBaggage("tenant"), Baggage.GetBaggage("user.email"));
    await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, ct);
    handled.TrySetResult(seen);
});

// Publish inside an application span, with two baggage members current; returns after the broker's confirm.
string producerTrace;
using (Activity? request = appSource.StartActivity("POST /orders"))
{
    producerTrace = request!.TraceId.ToHexString();
    Baggage.SetBaggage("user.email", "alice@example.com");
    Baggage.SetBaggage("tenant", "t1");
    await channel.BasicPublishTracedAsync(tracer, exchange, routingKey: "", mandatory: true, new BasicProperties { MessageId = "order-1" }, "{}"u8.ToArray());
}
Baggage.ClearBaggage();   // what the consumer sees from here on came over the wire

// The raw wire: basic.get from the second queue (RabbitMQ.Client hands an AMQP string header over as bytes).
BasicGetResult? raw = await channel.BasicGetAsync(wire, autoAck: true);
string? wireBaggage = raw?.BasicProperties.Headers?.TryGetValue("baggage", out object? value) == true && value is byte[] bytes
    ? Encoding.UTF8.GetString(bytes)
    : null;

bool ran = await Task.WhenAny(handled.Task, Task.Delay(TimeSpan.FromSeconds(30))) == handled.Task;
(string? handlerTrace, string? handlerTenant, string? handlerEmail) = ran ? await handled.Task : default;
await channel.CloseAsync();   // waits for the consumer's handler to return: its process span has ended
await connection.CloseAsync();

tracing.ForceFlush();
Activity? process = exported.FirstOrDefault(a => a.DisplayName == $"process {exchange}:{billing}");   // routing key "" left out
string? enrichment = process?.GetTagItem("app.order_id") as string;
string version = typeof(IChannel).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "?";
Console.WriteLine($"RabbitMQ.Client {version}: wire baggage \"{wireBaggage}\"; handler in the producer's trace: " +
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
