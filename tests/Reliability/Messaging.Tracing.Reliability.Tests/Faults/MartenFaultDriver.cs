using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using JasperFx;
using JasperFx.Events.Daemon;
using Marten;
using Messaging.Tracing.Brokers;
using Npgsql;

namespace Messaging.Tracing.Reliability.Tests.Faults;

/// <summary>
/// Marten: each message appended in its own traced save (<c>UseMessagingTracing</c>) on the shared PostgreSQL, in a schema
/// of its own, then handled by a <see cref="MartenFaultSubscription"/> on a live async daemon.
/// </summary>
/// <param name="database">The shared PostgreSQL.</param>
public sealed class MartenFaultDriver(PostgresDatabase database) : IFaultDriver
{
    /// <inheritdoc/>
    public string Transport => "marten";

    /// <inheritdoc/>
    public async Task<FaultRun> RunAsync(InjectedFault fault, IReadOnlyList<TestMessage> messages, string poisonId)
    {
        var run = new FaultRun();
        var subscription = new MartenFaultSubscription(fault.Tracer, run, poisonId);
        string schema = database.UniqueSchemaName("faults");
        await using DocumentStore store = DocumentStore.For(options =>
        {
            options.Connection(database.ConnectionString);
            options.DatabaseSchemaName = schema;
            options.UseMessagingTracing(fault.Tracer);
            options.Events.Subscribe(subscription);
        });

        // Every save must succeed whatever the fault: an exception here fails the run.
        foreach (TestMessage message in messages)
        {
            await using IDocumentSession session = store.LightweightSession();
            session.Events.StartStream(Guid.NewGuid(), message);
            await session.SaveChangesAsync();
        }

        await AssertStoredAsync(schema, messages.Count);

        // The application's exception (the poison message) reaches the daemon, which logs it and pauses the shard; the
        // application starts the shard again, which resumes from its last committed page (events before the poison run twice).
        using IProjectionDaemon daemon = await store.BuildProjectionDaemonAsync(logger: new DaemonErrorLog(run));
        await daemon.StartAllAsync();
        string shard = subscription.Name + ":All";
        try
        {
            await Wait.UntilAsync(
                async () =>
                {
                    if (daemon.StatusFor(shard) == AgentStatus.Paused)
                    {
                        await daemon.StartAgentAsync(shard, CancellationToken.None);
                    }

                    return run.Received.Count == messages.Count;
                },
                FaultToleranceTests.RunTimeout,
                $"{messages.Count} events handled");
        }
        finally
        {
            await daemon.StopAllAsync();
        }

        return run;
    }

    /// <summary>Every event is in <c>mt_events</c>, with headers.</summary>
    private async Task AssertStoredAsync(string schema, int count)
    {
        await using NpgsqlCommand command = database.DataSource.CreateCommand($"SELECT count(*), count(headers) FROM \"{schema}\".mt_events");
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        Xunit.Assert.Equal(count, reader.GetInt64(0));
        Xunit.Assert.Equal(count, reader.GetInt64(1));
    }
}
