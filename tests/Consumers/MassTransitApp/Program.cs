// A fresh application on the packed Messaging.Tracing.MassTransit package, as the README tells a user to write it
// (eng/consumer-check.sh builds and runs it on MassTransit.RabbitMQ 8.5.12): x.AddMessagingTracing once — a baggage deny
// list and an enrichment callback — and cfg.UseMessagingTracing(context), over RabbitMQ at RABBITMQ_URI. A plain
// RabbitMQ.Client queue bound to the message's exchange reads the raw wire; the MassTransit consumer handles the message.
// Prints one line of findings; exits 0 only when every check holds.
using System.Diagnostics;
using System.Reflection;
using System.Text;
using MassTransit;
using Messaging.Tracing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Orders;
using RabbitMQ.Client;

var rabbitMq = new Uri(Environment.GetEnvironmentVariable("RABBITMQ_URI") ?? "amqp://guest:guest@localhost:5672/");
string exchange = $"orders-{Guid.NewGuid():N}", billing = $"{exchange}.billing";   // this run's names on the broker

var exported = new List<Activity>();
var services = new ServiceCollection();
services.AddOpenTelemetry().WithTracing(t => t.AddSource("consumer-app").AddMessagingTracing().AddInMemoryExporter(exported));
services.AddSingleton<HandlerReport>();
services.AddMassTransit(x =>
{
    x.AddMessagingTracing(o =>
    {
        o.OutboundBaggageFilter = BaggageKeyFilter.Deny("user.email");
        o.EnrichProcessSpan = (span, message) =>
        {
            if (message is ConsumeContext context && context.TryGetMessage(out ConsumeContext<OrderPlaced>? order))
            {
                span.SetTag("app.order_id", order.Message.OrderId);
            }
        };
    });
    x.AddConsumer<OrderPlacedConsumer>().Endpoint(e => e.Name = billing);
    x.UsingRabbitMq((context, cfg) =>
    {
        cfg.Host(rabbitMq);
        cfg.Message<OrderPlaced>(m => m.SetEntityName(exchange));
        cfg.UseMessagingTracing(context);
        cfg.ConfigureEndpoints(context);
    });
});
await using ServiceProvider provider = services.BuildServiceProvider();
TracerProvider tracing = provider.GetRequiredService<TracerProvider>();   // without a host, resolving it starts it
using var appSource = new ActivitySource("consumer-app");
IBusControl bus = provider.GetRequiredService<IBusControl>();
using (var starting = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
{
    await bus.StartAsync(starting.Token);
}

// A plain RabbitMQ.Client queue on the message's exchange (exclusive: gone with the connection).
await using IConnection connection = await new ConnectionFactory { Uri = rabbitMq }.CreateConnectionAsync();
await using IChannel channel = await connection.CreateChannelAsync();
string wire = $"{exchange}.wire";
await channel.QueueDeclareAsync(wire, durable: false, exclusive: true, autoDelete: false);
await channel.QueueBindAsync(wire, exchange, routingKey: "");

// Publish inside an application span, with two baggage members current; returns after the broker's confirm.
string producerTrace;
using (Activity? request = appSource.StartActivity("POST /orders"))
{
    producerTrace = request!.TraceId.ToHexString();
    Baggage.SetBaggage("user.email", "alice@example.com");
    Baggage.SetBaggage("tenant", "t1");
    await bus.Publish(new OrderPlaced("order-1"));
}
Baggage.ClearBaggage();   // what the consumer sees from here on came over the wire

// The raw wire: basic.get from the plain queue (RabbitMQ.Client hands an AMQP string header over as bytes).
BasicGetResult? raw = await channel.BasicGetAsync(wire, autoAck: true);
string? wireBaggage = raw?.BasicProperties.Headers?.TryGetValue("baggage", out object? value) == true && value is byte[] bytes
    ? Encoding.UTF8.GetString(bytes)
    : null;

Task<HandlerSaw> handled = provider.GetRequiredService<HandlerReport>().Handled.Task;
bool ran = await Task.WhenAny(handled, Task.Delay(TimeSpan.FromSeconds(30))) == handled;
(string? handlerTrace, string? handlerTenant, string? handlerEmail) = ran ? await handled : new HandlerSaw(null, null, null);
await bus.StopAsync();   // waits for the consumer to return: its process span has ended
await channel.QueueDeleteAsync(billing);
await channel.ExchangeDeleteAsync(billing);
await channel.ExchangeDeleteAsync(exchange);

tracing.ForceFlush();
Activity? process = exported.FirstOrDefault(a => a.DisplayName == $"process {billing}");
string? enrichment = process?.GetTagItem("app.order_id") as string;
Console.WriteLine($"MassTransit {VersionOf<IBus>()} (RabbitMQ.Client {VersionOf<IChannel>()}): " +
    $"wire baggage \"{wireBaggage}\"; handler in the producer's trace: {handlerTrace == producerTrace}, baggage tenant={handlerTenant} " +
    $"user.email={handlerEmail}; exported \"{process?.DisplayName}\" app.order_id={enrichment}");
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

static string VersionOf<T>() => typeof(T).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "?";

// MassTransit rejects message types without a namespace.
namespace Orders
{
    public sealed record OrderPlaced(string OrderId);

    public sealed record HandlerSaw(string? Trace, string? Tenant, string? Email);

    /// <summary>What the consumer saw, for the checks.</summary>
    public sealed class HandlerReport
    {
        public TaskCompletionSource<HandlerSaw> Handled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public sealed class OrderPlacedConsumer(HandlerReport report) : IConsumer<OrderPlaced>
    {
        public Task Consume(ConsumeContext<OrderPlaced> context)   // inside "process {queue}"
        {
            report.Handled.TrySetResult(new HandlerSaw(Activity.Current?.TraceId.ToHexString(), Baggage.GetBaggage("tenant"), Baggage.GetBaggage("user.email")));
            return Task.CompletedTask;
        }
    }
}
