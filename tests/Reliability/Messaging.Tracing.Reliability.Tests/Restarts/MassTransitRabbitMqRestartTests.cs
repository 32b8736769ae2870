using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MassTransit;
using MassTransit.RetryPolicies;
using Messaging.Tracing.Brokers;
using Messaging.Tracing.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Messaging.Tracing.Reliability.Tests.Restarts;

/// <summary>
/// Issue 7: the RabbitMQ server restarts in the middle of a stream of MassTransit messages (durable queue, persistent
/// messages, publisher confirms) — a dedicated node (<see cref="RabbitMqNode"/>), never the shared one. MassTransit's
/// RabbitMQ transport reconnects its send and receive sides; the producer retries the sends that fail during the
/// outage; every message is delivered at least once and every process span follows from its own producer span.
/// </summary>
/// <remarks>
/// Retrying a failed send is the application's job: MassTransit's <c>Retry.Interval(…)</c> policy with
/// <c>PipeRetryExtensions.Retry</c>, each attempt bounded by its own timeout (a send issued while the connection is down
/// waits for it). A send whose confirm was lost with the connection may have reached the queue and is sent again, and
/// deliveries not yet acknowledged when the node stopped come again: both are counted as duplicates.
/// </remarks>
[Trait("Category", "Reliability")]
[Trait(LocalTools.Trait, LocalTools.Value)]
public sealed class MassTransitRabbitMqRestartTests(ITestOutputHelper output, RabbitMqNode node) : IClassFixture<RabbitMqNode>
{
    /// <summary>Messages in the CI slice.</summary>
    private const int CiMessages = 1_000;

    /// <summary>Send attempts per message; the producer also gives up at the test's deadline or when the node fails to come back.</summary>
    private const int SendRetries = 100;

    /// <summary>Deliveries the consumer holds unacknowledged at once.</summary>
    private const int Prefetch = 32;

    private static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>One send attempt's bound: a send during the outage waits for the connection until then.</summary>
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The deadline of the CI slice; the long run's grows with its message count.</summary>
    private static readonly TimeSpan CiTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_stream_of_MassTransit_messages_survives_a_server_restart()
    {
        int count = SoakMessages.Count(CiMessages);
        TimeSpan timeout = SoakMessages.Budget(CiTimeout, count, CiMessages);
        int restartAt = count / 3;
        using var collector = new SpanCollector();
        var tracer = new MessagingTracer(new MessagingTracingOptions
        {
            EnrichProducerSpan = (span, context) =>
            {
                if (context is SendContext<OrderRecorded> send)
                {
                    span.SetTag(ProducerLinks.MessageIdTag, send.Message.Id);
                }
            },
        });
        var handled = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var processed = new ConcurrentQueue<(string Id, Activity Span)>();
        string queue = "restart-orders-" + Guid.NewGuid().ToString("N")[..8];
        IBusControl bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(node.Uri.Host, (ushort)node.Port, "/", h =>
            {
                h.Username("guest");
                h.Password("guest");
                h.PublisherConfirmation = true;
            });
            cfg.UseMessagingTracing(tracer);
            cfg.ReceiveEndpoint(queue, e =>
            {
                e.Durable = true;
                e.AutoDelete = false;
                e.PrefetchCount = Prefetch;
                e.Handler<OrderRecorded>(context =>
                {
                    Assert.Equal("payload " + context.Message.Id, context.Message.Payload);
                    handled.AddOrUpdate(context.Message.Id, 1, (_, n) => n + 1);
                    processed.Enqueue((context.Message.Id, Activity.Current!));
                    return Task.CompletedTask;
                });
            });
        });

        var stopwatch = Stopwatch.StartNew();
        using (var starting = new CancellationTokenSource(timeout))
        {
            await bus.StartAsync(starting.Token);
        }

        int attempts = 0;
        TimeSpan stoppedAt = TimeSpan.Zero;
        TimeSpan stopTook = TimeSpan.Zero;
        TimeSpan? firstSendAfterRestart = null;
        Task<TimeSpan>? restart = null;
        try
        {
            ISendEndpoint endpoint = await bus.GetSendEndpoint(new Uri($"queue:{queue}"));
            IRetryPolicy retry = Retry.Interval(SendRetries, RetryInterval);

            // Retries end at the deadline, or at once when the node does not come back (its start failed).
            using var giveUp = new CancellationTokenSource(timeout);
            for (int i = 0; i < count; i++)
            {
                if (i == restartAt)
                {
                    stoppedAt = stopwatch.Elapsed;
                    await node.StopAsync();
                    stopTook = stopwatch.Elapsed - stoppedAt;
                    restart = node.StartAsync();
                    _ = restart.ContinueWith(_ => giveUp.Cancel(), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                }

                var message = new OrderRecorded(Id(i), "payload " + Id(i));
                await retry.Retry(
                    async () =>
                    {
                        Interlocked.Increment(ref attempts);
                        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(giveUp.Token);
                        attempt.CancelAfter(AttemptTimeout);
                        try
                        {
                            await endpoint.Send(message, attempt.Token);
                        }
                        catch (OperationCanceledException ex) when (attempt.IsCancellationRequested && !giveUp.IsCancellationRequested)
                        {
                            // The retry policy does not retry cancellations: an attempt that timed out is a failed attempt.
                            throw new TimeoutException($"sending {message.Id} took longer than {AttemptTimeout.TotalSeconds:0} s", ex);
                        }
                    },
                    giveUp.Token);
                if (i >= restartAt)
                {
                    firstSendAfterRestart ??= stopwatch.Elapsed;
                }
            }

            TimeSpan startTook = await restart!;
            await Wait.UntilAsync(() => handled.Count == count, timeout - stopwatch.Elapsed, $"{count} messages handled (have {handled.Count})");

            int handlerRuns = handled.Values.Sum();
            int lost = Enumerable.Range(0, count).Count(i => !handled.ContainsKey(Id(i)));
            IReadOnlyList<Activity> spans = await collector.WaitForAsync(s => s.Count(a => a.Kind == ActivityKind.Consumer) >= handlerRuns, TimeSpan.FromSeconds(10));
            Dictionary<string, Activity[]> producers = spans.Where(a => a.Kind == ActivityKind.Producer && a.GetTagItem(ProducerLinks.MessageIdTag) is string)
                .GroupBy(a => (string)a.GetTagItem(ProducerLinks.MessageIdTag)!)
                .ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
            int unlinked = processed.Count(p => !producers.TryGetValue(p.Id, out Activity[]? own) || !ProducerLinks.FollowsFromOneOf(p.Span, own));

            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"REPORT restart transport=masstransit-rabbitmq scenario=server-restart messages={count} received={handled.Count} duplicates={handlerRuns - handled.Count} lost={lost} "
                + $"send_attempts={attempts} send_retries={attempts - count} stop_seconds={stopTook.TotalSeconds:0.00} start_seconds={startTook.TotalSeconds:0.00} "
                + $"outage_seconds={(firstSendAfterRestart.GetValueOrDefault() - stoppedAt).TotalSeconds:0.00} unlinked={unlinked} seconds={stopwatch.Elapsed.TotalSeconds:0.0}"));
            Assert.Equal(0, lost);
            Assert.Equal(0, unlinked);
            Assert.Equal(handlerRuns, processed.Count);
        }
        finally
        {
            try
            {
                // A node that failed to come back is the reason to report, rather than the sends it cancelled.
                if (restart is not null)
                {
                    await restart;
                }
            }
            finally
            {
                using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await bus.StopAsync(stopping.Token);
            }
        }
    }

    private static string Id(int i) => "o-" + i.ToString("D7", CultureInfo.InvariantCulture);
}
