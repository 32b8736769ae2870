using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Microsoft.Extensions.Hosting;

namespace EventSourcing.Projections;

/// <summary>
/// Runs the projections and the process manager on Marten's async daemon (each an <see cref="EventSubscriberSubscription"/>)
/// and rebuilds a projection there on request: the shard is stopped, its progress deleted, and it runs in
/// rebuild mode — Marten reports <see cref="ShardExecutionMode.Rebuild"/>, so each event is handled in a new trace linked
/// to its append — until it has caught up; then it runs live again.
/// </summary>
/// <remarks>
/// Marten's <c>RewindSubscriptionAsync</c> restarts a subscription in <see cref="ShardExecutionMode.Continuous"/> mode (its
/// spans would follow from the appends, in the requests' traces), and <c>RebuildProjectionAsync</c> rejects subscriptions:
/// hence the shard's row in <c>mt_event_progression</c> is deleted (a shard without progress starts from the first event,
/// and inserts its row again) before <c>StartAgentInRebuildModeAsync</c>.
/// </remarks>
public sealed class MartenSubscriptionDaemon : IHostedService, IDisposable
{
    private static readonly TimeSpan RebuildTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly IDocumentStore _store;
    private readonly EventSubscriberSubscription[] _subscriptions;
    private readonly SemaphoreSlim _rebuilds = new(1, 1);
    private IProjectionDaemon? _daemon;

    /// <summary>Initializes a new instance of the <see cref="MartenSubscriptionDaemon"/> class.</summary>
    /// <param name="store">The Marten store the subscriptions are registered in.</param>
    /// <param name="subscriptions">The subscriptions.</param>
    public MartenSubscriptionDaemon(IDocumentStore store, IEnumerable<EventSubscriberSubscription> subscriptions)
    {
        _store = store;
        _subscriptions = subscriptions.ToArray();
    }

    /// <summary>Gets the number of subscriptions; each handles every event.</summary>
    public int SubscriptionCount => _subscriptions.Length;

    /// <inheritdoc/>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _daemon = await _store.BuildProjectionDaemonAsync().ConfigureAwait(false);
        await _daemon.StartAllAsync().ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_daemon is not null)
        {
            await _daemon.StopAllAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Rebuilds a projection from the whole event store on the daemon, and returns when it has caught up.</summary>
    /// <param name="projection">The projection; it is emptied first.</param>
    /// <param name="rebuild">The span that asked for it; each event's process span links to it.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The number of events replayed.</returns>
    /// <exception cref="TimeoutException">The projection did not catch up in 30 seconds.</exception>
    public async Task<int> RebuildAsync(Projection projection, Activity? rebuild, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(projection);
        IProjectionDaemon daemon = _daemon ?? throw new InvalidOperationException("The daemon is not running.");
        EventSubscriberSubscription subscription = _subscriptions.Single(s => s.Subscriber == projection);
        await _rebuilds.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ShardName shard = daemon.CurrentAgents().Single(a => a.Name.Name == subscription.Name).Name;
            await daemon.StopAgentAsync(shard).ConfigureAwait(false);
            long ceiling;
            int count;
            await using (IDocumentSession session = _store.LightweightSession())
            {
                count = await session.Events.QueryAllRawEvents().CountAsync(cancellationToken).ConfigureAwait(false);
                ceiling = count == 0 ? 0 : await session.Events.QueryAllRawEvents().MaxAsync(e => e.Sequence, cancellationToken).ConfigureAwait(false);
                session.QueueSqlCommand($"DELETE FROM {_store.Options.Events.DatabaseSchemaName}.mt_event_progression WHERE name = ?", shard.Identity);
                await session.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }

            await projection.ResetAsync(cancellationToken).ConfigureAwait(false);
            subscription.SetRebuild(rebuild);
            try
            {
                await daemon.StartAgentInRebuildModeAsync(shard, cancellationToken).ConfigureAwait(false);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(RebuildTimeout);
                while (await _store.Advanced.ProjectionProgressFor(shard, token: timeout.Token).ConfigureAwait(false) < ceiling)
                {
                    await Task.Delay(PollInterval, timeout.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"The rebuild of {subscription.Name} did not reach event sequence {ceiling} in {RebuildTimeout.TotalSeconds:0} s.", ex);
            }
            finally
            {
                subscription.SetRebuild(null);
                await daemon.StopAgentAsync(shard).ConfigureAwait(false);
                await daemon.StartAgentAsync(shard, CancellationToken.None).ConfigureAwait(false);
            }

            return count;
        }
        finally
        {
            _rebuilds.Release();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _daemon?.Dispose();
        _rebuilds.Dispose();
    }
}
