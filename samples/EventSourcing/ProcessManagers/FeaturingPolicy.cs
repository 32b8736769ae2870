using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using EventSourcing.Commands;
using EventSourcing.Domain;
using EventSourcing.EventStore;
using EventSourcing.Projections;
using EventSourcing.Telemetry;
using Messaging.Tracing.Events;
using Messaging.Tracing.Spans;
using Microsoft.Extensions.Logging;

namespace EventSourcing.ProcessManagers;

/// <summary>
/// The process manager: when a band reaches <c>Sample:FeatureAfterReviews</c> reviews averaging at least
/// <c>Sample:FeatureMinimumAverage</c>, it sends <see cref="FeatureBand"/> — with the event's correlation id and the
/// event's id as causation — and the aggregate appends <see cref="BandFeatured"/>: command, event, command, event.
/// </summary>
public sealed class FeaturingPolicy : IEventSubscriber, IDisposable
{
    /// <summary>The process manager's name.</summary>
    public const string PolicyName = "featuring-policy";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, FeaturingState> _bands = new(StringComparer.Ordinal);
    private readonly CommandSender _commands;
    private readonly SampleSettings _settings;
    private readonly ILogger<FeaturingPolicy> _logger;

    /// <summary>Initializes a new instance of the <see cref="FeaturingPolicy"/> class.</summary>
    /// <param name="commands">Sends the commands.</param>
    /// <param name="settings">The thresholds.</param>
    /// <param name="logger">The logger.</param>
    public FeaturingPolicy(CommandSender commands, SampleSettings settings, ILogger<FeaturingPolicy> logger)
    {
        _commands = commands;
        _settings = settings;
        _logger = logger;
    }

    /// <inheritdoc/>
    public string Name => PolicyName;

    /// <inheritdoc/>
    public async Task HandleAsync(StoredEvent stored, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stored);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await ApplyAsync(stored, sendCommands: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    /// <remarks>Only the state is rebuilt: what the history already decided is not sent again.</remarks>
    public async Task<int> RestoreAsync(IAsyncEnumerable<StoredEvent> history, Func<StoredEvent, ProcessScope> startHandling, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(startHandling);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _bands.Clear();
            int count = 0;
            await foreach (StoredEvent stored in history.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                using ProcessScope scope = startHandling(stored);
                await ApplyAsync(stored, sendCommands: false, cancellationToken).ConfigureAwait(false);
                count++;
            }

            return count;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _gate.Dispose();

    private async Task ApplyAsync(StoredEvent stored, bool sendCommands, CancellationToken cancellationToken)
    {
        using Activity? span = SampleTelemetry.StartHandler(Name, stored);
        object @event = EventSerializer.Deserialize(stored);
        string bandId = @event switch
        {
            BandRegistered e => e.BandId,
            ReviewAdded e => e.BandId,
            BandFeatured e => e.BandId,
            _ => throw new InvalidOperationException($"Unexpected event {stored.Type}."),
        };
        if (!_bands.TryGetValue(bandId, out FeaturingState? state))
        {
            state = new FeaturingState();
            _bands.Add(bandId, state);
        }

        if (stored.Version <= state.Version)
        {
            return; // seen already (redelivery, or caught up from the store before Kafka delivered it)
        }

        state.Version = stored.Version;
        switch (@event)
        {
            case ReviewAdded added:
                state.Reviews++;
                state.RatingSum += added.Rating;
                if (sendCommands)
                {
                    await FeatureIfDeservedAsync(bandId, state, stored, cancellationToken).ConfigureAwait(false);
                }

                break;
            case BandFeatured:
                state.FeatureRequested = true;
                break;
        }
    }

    private async Task FeatureIfDeservedAsync(string bandId, FeaturingState state, StoredEvent cause, CancellationToken cancellationToken)
    {
        double average = (double)state.RatingSum / state.Reviews;
        if (state.FeatureRequested || state.Reviews < _settings.FeatureAfterReviews || average < _settings.FeatureMinimumAverage)
        {
            return;
        }

        state.FeatureRequested = true;
        string reason = string.Create(CultureInfo.InvariantCulture, $"{state.Reviews} reviews averaging {average:0.00}");
        EventCorrelation correlation = EventTracer.ReadCorrelation(cause.Metadata);
        Guid correlationId = Guid.TryParse(correlation.CorrelationId, CultureInfo.InvariantCulture, out Guid parsed) ? parsed : Guid.NewGuid();
        Guid commandId = await _commands.SendAsync(new FeatureBand(bandId, reason), correlationId, cause.EventId.ToString("D"), cancellationToken).ConfigureAwait(false);
        SampleLog.FeatureRequested(_logger, bandId, reason, commandId, cause.EventId);
    }
}
