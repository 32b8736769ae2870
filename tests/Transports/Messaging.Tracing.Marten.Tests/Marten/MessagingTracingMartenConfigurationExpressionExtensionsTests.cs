using System;
using System.Diagnostics;
using System.Threading.Tasks;
using Marten;
using Messaging.Tracing.Brokers;
using Messaging.Tracing.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Messaging.Tracing.Marten.Tests.Marten;

[Collection(PostgresDatabase.CollectionName)]
public class MessagingTracingMartenConfigurationExpressionExtensionsTests(PostgresDatabase database)
{
    [Fact]
    public async Task AddMessagingTracing_traces_appends_with_the_tracer_the_application_registered()
    {
        using var collector = new SpanCollector();
        string schema = MartenTestStore.NewSchemaName();
        var services = new ServiceCollection();
        services.AddMessagingTracing(options => options.EnrichProducerSpan = (span, _) => span.SetTag("app.configured", true));
        services.AddMarten(options =>
        {
            options.Connection(database.ConnectionString);
            options.DatabaseSchemaName = schema;
        }).AddMessagingTracing();
        await using ServiceProvider provider = services.BuildServiceProvider();
        await using var store = MartenTestStore.Wrap(database, schema, (DocumentStore)provider.GetRequiredService<IDocumentStore>());
        var streamId = Guid.NewGuid();

        await using (IDocumentSession session = store.Store.LightweightSession())
        {
            session.Events.StartStream<Band>(streamId, new BandRegistered("Low"));
            await session.SaveChangesAsync();
        }

        Activity append = Assert.Single(collector.Spans);
        Assert.Equal(true, append.GetTagItem("app.configured"));
        Assert.NotNull(Assert.Single(await store.ReadRawAsync(streamId)).Header("traceparent"));
    }

    [Fact]
    public void Without_the_applications_tracer_building_the_store_fails_and_says_so()
    {
        var services = new ServiceCollection();
        services.AddMarten(options => options.Connection(database.ConnectionString)).AddMessagingTracing();
        using ServiceProvider provider = services.BuildServiceProvider();

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IDocumentStore>());
        Assert.Contains(nameof(MessagingTracer), error.Message, StringComparison.Ordinal);
    }
}
