using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using Marten;
using Messaging.Tracing.Brokers;
using Messaging.Tracing.Reliability.Tests.Hostile;
using Messaging.Tracing.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Messaging.Tracing.Reliability.Tests.Restarts;

/// <summary>
/// Issue 14: the PostgreSQL server under a Marten event store is shut down and started again while the application appends
/// events (each in its own request span, a failed save retried) and an async daemon runs a <c>TracedSubscription</c>.
/// No appended event is lost, and every process span still follows from the append span of its own save.
/// </summary>
/// <remarks>
/// On a private server (<see cref="PostgresServer"/>, a free port and a temporary cluster): the shared PostgreSQL on 5432
/// is used by other test processes and is never touched.
/// </remarks>
[Trait("Category", "Reliability")]
[Trait(LocalTools.Trait, LocalTools.Value)]
public sealed class MartenPostgresRestartTests(ITestOutputHelper output, PostgresServer server) : IClassFixture<PostgresServer>
{
    /// <summary>Events in the CI slice.</summary>
    private const int CiMessages = 1_000;

    /// <summary>Attempts at one save before the test gives up on it (the application's bound).</summary>
    private const int MaxSaveAttempts = 100;

    /// <summary>The deadline of the CI slice; the long run's grows with its event count.</summary>
    private static readonly TimeSpan CiTimeout = TimeSpan.FromSeconds(90);

    /// <summary>The application's pause between two attempts at a failed save.</summary>
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task A_live_daemon_handles_every_event_appended_before_during_and_after_a_restart_each_following_from_its_append()
    {
        int count = SoakMessages.Count(CiMessages);
        TimeSpan timeout = SoakMessages.Budget(CiTimeout, count, CiMessages);
        int restartAt = count / 3;
        using var collector = new SpanCollector();
        var recorder = new MartenRecorder(MessagingTracer.Default, "Orders");
        await using DocumentStore store = DocumentStore.For(options =>
        {
            options.Connection(server.ConnectionString);
            options.DatabaseSchemaName = "restart";
            options.UseMessagingTracing(MessagingTracer.Default);
            options.Events.Subscribe(recorder);
        });
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        using IProjectionDaemon daemon = await store.BuildProjectionDaemonAsync();
        await daemon.StartAllAsync();

        var requests = new Dictionary<string, Activity>(StringComparer.Ordinal);
        Guid streamId = Guid.NewGuid();
        int saveRetries = 0;
        var stopwatch = Stopwatch.StartNew();
        TimeSpan stoppedAt = TimeSpan.Zero;
        TimeSpan? firstSaveAfterStop = null;
        Task<TimeSpan>? restart = null;
        for (int i = 0; i < count; i++)
        {
            if (i == restartAt)
            {
                // Stop, then start again, while the appends go on: the saves in between fail and are retried.
                restart = Task.Run(async () =>
                {
                    await server.StopAsync();
                    stoppedAt = stopwatch.Elapsed;
                    return await server.StartAsync();
                });
            }

            string id = Id(i);
            using Activity request = collector.StartRootSpan("request " + id);
            requests[id] = request;
            for (int attempt = 1; ; attempt++)
            {
                Assert.True(stopwatch.Elapsed < timeout && attempt <= MaxSaveAttempts, $"the save of {id} kept failing ({attempt - 1} attempts)");
                try
                {
                    await using IDocumentSession session = store.LightweightSession();
                    session.Events.Append(streamId, new OrderRecorded(id, "payload " + id));
                    await session.SaveChangesAsync();
                    if (restart is not null && stoppedAt != TimeSpan.Zero)
                    {
                        firstSaveAfterStop ??= stopwatch.Elapsed;
                    }

                    break;
                }
                catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
                {
                    // The server is going or gone: the application retries (a save whose commit was not acknowledged may be stored twice).
                    saveRetries++;
                    await Task.Delay(RetryDelay);
                }
            }
        }

        TimeSpan startTime = await restart!.WaitAsync(timeout);
        await Wait.UntilAsync(
            () => recorder.Handled.Count >= count && recorder.Handled.Select(h => (h.Event.Data as OrderRecorded)?.Id).OfType<string>().Distinct().Count() == count,
            timeout - stopwatch.Elapsed,
            $"{count} events handled");
        AgentStatus status = daemon.StatusFor(recorder.ShardName);
        await daemon.StopAllAsync();

        // Marten writes a Tombstone event over the sequence numbers a failed save had reserved; the subscription gets those too.
        var tombstones = recorder.Handled.Where(h => h.Event.Data is Tombstone).ToArray();
        var handled = recorder.Handled.Where(h => h.Event.Data is OrderRecorded).ToArray();
        Assert.Equal(recorder.Handled.Count, handled.Length + tombstones.Length);
        var handledIds = handled.Select(h => ((OrderRecorded)h.Event.Data).Id).ToHashSet(StringComparer.Ordinal);
        int stored = handled.Select(h => h.Event.Sequence).Distinct().Count();
        int lost = Enumerable.Range(0, count).Count(i => !handledIds.Contains(Id(i)));
        Dictionary<ActivitySpanId, Activity> appends = collector.Spans.Where(s => s.Kind == ActivityKind.Producer).ToDictionary(s => s.SpanId);
        int unexported = 0;
        int unlinked = handled.Count(h =>
        {
            // The parent is the append span whose context the event carries, in the trace of the request that saved it.
            Activity? process = h.Span;
            Activity request = requests[((OrderRecorded)h.Event.Data).Id];
            if (process is null || process.TraceId != request.TraceId || process.ParentSpanId.ToHexString() != StoredParentSpanId(h.Event.Headers))
            {
                return true;
            }

            if (!appends.TryGetValue(process.ParentSpanId, out Activity? append))
            {
                // A save that committed but failed to report it: Marten never ends (so never exports) its append span.
                unexported++;
                return false;
            }

            return append.ParentSpanId != request.SpanId || !ProducerLinks.FollowsFromOneOf(process, [append]);
        });
        Assert.All(handled, h => Assert.Equal("payload " + ((OrderRecorded)h.Event.Data).Id, ((OrderRecorded)h.Event.Data).Payload));

        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"REPORT restart transport=marten scenario=postgres-stop-start events={count} received={handledIds.Count} stored={stored} "
            + $"stored_twice={stored - count} handled_twice={handled.Length - stored} lost={lost} save_retries={saveRetries} append_unexported={unexported} tombstones={tombstones.Length} "
            + $"start_seconds={startTime.TotalSeconds:0.00} outage_seconds={(firstSaveAfterStop.GetValueOrDefault() - stoppedAt).TotalSeconds:0.00} "
            + $"stopped_at_seconds={stoppedAt.TotalSeconds:0.0} shard={status} unlinked={unlinked} seconds={stopwatch.Elapsed.TotalSeconds:0.0}"));
        Assert.Equal(0, lost);
        Assert.Equal(0, unlinked);
        Assert.Equal(AgentStatus.Running, status);
        Assert.True(saveRetries > 0, "no save failed: the restart happened outside the appends");
    }

    /// <summary>The span id of the <c>traceparent</c> the event was stored with, as the subscription read it.</summary>
    private static string? StoredParentSpanId(Dictionary<string, object>? headers)
    {
        object? value = null;
        headers?.TryGetValue("traceparent", out value);
        string? traceParent = value switch
        {
            string text => text,
            JsonElement { ValueKind: JsonValueKind.String } element => element.GetString(),
            _ => null,
        };
        return traceParent?.Split('-') is [_, _, string spanId, _] ? spanId : null;
    }

    private static string Id(int i) => "e-" + i.ToString("D7", CultureInfo.InvariantCulture);
}
