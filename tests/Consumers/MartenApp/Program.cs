// A fresh application on the packed Messaging.Tracing.Marten package, as the README tells a user to write it
// (eng/consumer-check.sh builds and runs it on Marten 9.62.0): a generic host, register once — a baggage deny list and an
// enrichment callback —, Marten with `AddMessagingTracing()`, a traced subscription and a traced event projection on Marten's
// async daemon, both built by dependency injection, against
// POSTGRES_CONNECTION in a schema of its own (dropped at the end). It appends an event inside a request span, reads the
// stored row of mt_events with plain SQL, and waits for the subscription and the projection to handle the event. Prints one line of findings;
// exits 0 only when every check holds.
using System.Diagnostics;
using System.Reflection;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Messaging.Tracing;
using Messaging.Tracing.Marten.Projections;
using Messaging.Tracing.Marten.Subscriptions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Trace;

string connection = Environment.GetEnvironmentVariable("POSTGRES_CONNECTION")
    ?? "Host=localhost;Port=5432;Username=messaging_tracing;Password=messaging_tracing;Database=messaging_tracing";
string schema = $"consumer_app_{Guid.NewGuid():N}";
var exported = new List<Activity>();

HostApplicationBuilder builder = Host.CreateApplicationBuilder();
builder.Logging.ClearProviders();
builder.Services.AddMessagingTracing(o =>
{
    o.OutboundBaggageFilter = BaggageKeyFilter.Deny("user.email");
    o.EnrichProcessSpan = (span, message) =>
    {
        if (message is IEvent { Data: OrderPlaced order })
        {
            span.SetTag("app.order_id", order.OrderId);
        }
    };
});
builder.Services.AddOpenTelemetry().WithTracing(t => t.AddSource("consumer-app").AddMessagingTracing().AddInMemoryExporter(exported));
builder.Services.AddSingleton<HandledEvents>();
builder.Services.AddMarten(o =>
    {
        o.Connection(connection);
        o.DatabaseSchemaName = schema;
    })
    .AddMessagingTracing()
    .AddSubscriptionWithServices<Billing>(ServiceLifetime.Singleton)
    .AddProjectionWithServices<Ledger>(ProjectionLifecycle.Async, ServiceLifetime.Singleton)
    .AddAsyncDaemon(DaemonMode.Solo);

using IHost host = builder.Build();
await host.StartAsync();
using var appSource = new ActivitySource("consumer-app");
IDocumentStore store = host.Services.GetRequiredService<IDocumentStore>();
HandledEvents handled = host.Services.GetRequiredService<HandledEvents>();

// Append inside an application span, with two baggage members current.
string producerTrace;
var streamId = Guid.NewGuid();
using (Activity? request = appSource.StartActivity("POST /orders"))
{
    producerTrace = request!.TraceId.ToHexString();
    Baggage.SetBaggage("user.email", "alice@example.com");
    Baggage.SetBaggage("tenant", "t1");
    await using IDocumentSession session = store.LightweightSession();
    session.Events.StartStream<Order>(streamId, new OrderPlaced("order-1"));
    await session.SaveChangesAsync();
}

Baggage.ClearBaggage();   // what the subscription sees from here on came from the stored event

// The stored row, read with plain SQL.
string? storedHeaders = null, storedCorrelation = null;
await using (var sql = new NpgsqlConnection(connection))
{
    await sql.OpenAsync();
    await using var command = new NpgsqlCommand($"SELECT headers::text, correlation_id FROM \"{schema}\".mt_events WHERE stream_id = $1", sql);
    command.Parameters.AddWithValue(streamId);
    await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
    if (await reader.ReadAsync())
    {
        storedHeaders = reader.IsDBNull(0) ? null : reader.GetString(0);
        storedCorrelation = reader.IsDBNull(1) ? null : reader.GetString(1);
    }
}

// The daemon hands the event to the subscription and to the projection; bounded waits.
Task<(string? Trace, string? Tenant, string? Email)> handling = handled.First.Task;
bool handledInTime = await Task.WhenAny(handling, Task.Delay(TimeSpan.FromSeconds(60))) == handling;
(string? handlerTrace, string? handlerTenant, string? handlerEmail) = handledInTime ? handling.Result : default;
Task<string?> projecting = handled.Projected.Task;
bool projectedInTime = await Task.WhenAny(projecting, Task.Delay(TimeSpan.FromSeconds(60))) == projecting;
string? projectionTrace = projectedInTime ? projecting.Result : null;
await host.StopAsync();

await using (var sql = new NpgsqlConnection(connection))
{
    await sql.OpenAsync();
    await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE", sql);
    await drop.ExecuteNonQueryAsync();
}

host.Services.GetRequiredService<TracerProvider>().ForceFlush();
Activity? process = exported.FirstOrDefault(a => a.DisplayName == "process billing");
string? enrichment = process?.GetTagItem("app.order_id") as string;
Activity? projection = exported.FirstOrDefault(a => a.DisplayName == "process ledger");
string version = typeof(IDocumentStore).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "?";
Console.WriteLine($"Marten {version}: stored headers {storedHeaders}; correlation id {storedCorrelation}; handled: {handledInTime}, " +
    $"in the producer's trace: {handlerTrace == producerTrace}, baggage tenant={handlerTenant} user.email={handlerEmail}; " +
    $"exported \"{process?.DisplayName}\" app.order_id={enrichment}; projected in the producer's trace: {projectionTrace == producerTrace}, " +
    $"exported \"{projection?.DisplayName}\"");
string[] failures = new (bool Holds, string Failure)[]
{
    (storedHeaders?.Contains($"\"traceparent\": \"00-{producerTrace}-") == true, "the stored headers carry no traceparent of the request's trace"),
    (storedHeaders?.Contains("tenant=t1") == true, "tenant=t1 is not in the stored baggage"),
    (storedHeaders?.Contains("user.email") != true, "the denied user.email was stored"),
    (storedCorrelation == producerTrace, $"the correlation id is {storedCorrelation}, not the request's trace id"),
    (handledInTime, "the subscription did not handle the event within 60 s"),
    (!handledInTime || handlerTrace == producerTrace, $"the handler ran in trace {handlerTrace ?? "(none)"}, not the producer's {producerTrace}"),
    (!handledInTime || (handlerTenant == "t1" && handlerEmail is null), "the handler's baggage is not tenant=t1 without user.email"),
    (enrichment == "order-1", "no exported process span with the enrichment tag app.order_id=order-1"),
    (projectedInTime, "the projection did not handle the event within 60 s"),
    (!projectedInTime || projectionTrace == producerTrace, $"the projection ran in trace {projectionTrace ?? "(none)"}, not the producer's {producerTrace}"),
    (projection?.TraceId.ToHexString() == producerTrace, "no exported \"process ledger\" span in the producer's trace"),
}.Where(c => !c.Holds).Select(c => c.Failure).ToArray();
if (failures.Length > 0)
{
    Console.WriteLine($"FAILED: {string.Join("; ", failures)}");
}

return failures.Length == 0 ? 0 : 1;

/// <summary>The aggregate the stream belongs to.</summary>
internal sealed class Order;

/// <summary>The event the request appends.</summary>
internal sealed record OrderPlaced(string OrderId);

/// <summary>What the subscription and the projection saw while handling the first event: the current trace and baggage.</summary>
internal sealed class HandledEvents
{
    public TaskCompletionSource<(string? Trace, string? Tenant, string? Email)> First { get; } =
        new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource<string?> Projected { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>A ledger line per order, written by an event projection on Marten's async daemon.</summary>
internal sealed record LedgerLine(Guid Id, string OrderId);

/// <summary>An event projection on the async daemon, built by dependency injection with the application's tracer.</summary>
internal sealed class Ledger : TracedEventProjection
{
    private readonly HandledEvents _handled;

    public Ledger(MessagingTracer tracer, HandledEvents handled)
        : base(tracer)
    {
        Name = "ledger";
        IncludeType<OrderPlaced>();
        _handled = handled;
    }

    protected override Task HandleAsync(IEvent storedEvent, IDocumentOperations operations, CancellationToken cancellationToken)
    {
        operations.Store(new LedgerLine(storedEvent.Id, ((OrderPlaced)storedEvent.Data).OrderId));
        _handled.Projected.TrySetResult(Activity.Current?.TraceId.ToHexString());
        return Task.CompletedTask;
    }
}

/// <summary>A subscription on Marten's async daemon, built by dependency injection with the application's tracer.</summary>
internal sealed class Billing : TracedSubscription
{
    private readonly HandledEvents _handled;

    public Billing(MessagingTracer tracer, HandledEvents handled)
        : base(tracer)
    {
        Name = "billing";
        _handled = handled;
    }

    protected override Task HandleAsync(IEvent storedEvent, IDocumentOperations operations, CancellationToken cancellationToken)
    {
        _handled.First.TrySetResult((Activity.Current?.TraceId.ToHexString(), Baggage.GetBaggage("tenant"), Baggage.GetBaggage("user.email")));
        return Task.CompletedTask;
    }
}
