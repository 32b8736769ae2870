using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using EventSourcing.EventStore;
using EventSourcing.Telemetry;
using Messaging.Tracing.Spans;

namespace EventSourcing.Projections;

/// <summary>
/// A read model built from events, live from Kafka or rebuilt from the event store. Applying is idempotent: a projection
/// remembers each stream's last applied version and skips what it has seen, so a replay and the live feed may overlap.
/// </summary>
public abstract class Projection : IEventSubscriber, IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <inheritdoc/>
    public abstract string Name { get; }

    /// <inheritdoc/>
    public async Task HandleAsync(StoredEvent stored, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stored);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await ApplyTracedAsync(stored, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    /// <remarks>The projection is emptied first; live events wait meanwhile.</remarks>
    public async Task<int> RestoreAsync(IAsyncEnumerable<StoredEvent> history, Func<StoredEvent, ProcessScope> startHandling, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(startHandling);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Reset();
            int count = 0;
            await foreach (StoredEvent stored in history.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                using ProcessScope scope = startHandling(stored);
                try
                {
                    await ApplyTracedAsync(stored, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    scope.RecordException(ex);
                    throw;
                }

                count++;
            }

            return count;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Empties the read model, waiting for the event being applied (a rebuild on Marten's daemon starts with it).</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the read model is empty.</returns>
    public async Task ResetAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Reset();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the gate.</summary>
    /// <param name="disposing">Whether called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _gate.Dispose();
        }
    }

    /// <summary>Empties the read model.</summary>
    protected abstract void Reset();

    /// <summary>Applies one event to the read model (called one at a time).</summary>
    /// <param name="stored">The stored event.</param>
    /// <param name="domainEvent">The domain event it carries.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>A task that completes when the event was applied.</returns>
    protected abstract Task ApplyAsync(StoredEvent stored, object domainEvent, CancellationToken cancellationToken);

    private async Task ApplyTracedAsync(StoredEvent stored, CancellationToken cancellationToken)
    {
        using Activity? span = SampleTelemetry.StartHandler(Name, stored);
        await ApplyAsync(stored, EventSerializer.Deserialize(stored), cancellationToken).ConfigureAwait(false);
    }
}
