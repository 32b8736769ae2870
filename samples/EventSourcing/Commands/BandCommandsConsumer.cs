using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading.Tasks;
using EventSourcing.Domain;
using EventSourcing.EventStore;
using EventSourcing.Telemetry;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace EventSourcing.Commands;

/// <summary>
/// Handles the band commands from the command queue: loads the aggregate, lets it decide, stores its events. Runs
/// inside the <c>process band-commands</c> span that Messaging.Tracing's MassTransit filter opened (FollowsFrom the send).
/// </summary>
public sealed class BandCommandsConsumer : IConsumer<RegisterBand>, IConsumer<AddReview>, IConsumer<FeatureBand>
{
    private readonly BandRepository _repository;
    private readonly ILogger<BandCommandsConsumer> _logger;

    /// <summary>Initializes a new instance of the <see cref="BandCommandsConsumer"/> class.</summary>
    /// <param name="repository">The band repository.</param>
    /// <param name="logger">The logger.</param>
    public BandCommandsConsumer(BandRepository repository, ILogger<BandCommandsConsumer> logger)
    {
        _repository = repository;
        _logger = logger;
    }

    /// <inheritdoc/>
    public async Task Consume(ConsumeContext<RegisterBand> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        CommandContext command = CommandContext.From(context);
        using IDisposable? scope = SampleLog.BeginCommandScope(_logger, command);
        SampleTelemetry.TagCommand(Activity.Current, command);
        if (await _repository.LoadAsync(context.Message.BandId, context.CancellationToken).ConfigureAwait(false) is not null)
        {
            SampleLog.CommandIgnored(_logger, nameof(RegisterBand), context.Message.BandId, "already registered");
            return;
        }

        Band band = Band.Register(context.Message.BandId, context.Message.Name);
        Stored(nameof(RegisterBand), await _repository.SaveAsync(band, command, context.CancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc/>
    public async Task Consume(ConsumeContext<AddReview> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        CommandContext command = CommandContext.From(context);
        using IDisposable? scope = SampleLog.BeginCommandScope(_logger, command);
        SampleTelemetry.TagCommand(Activity.Current, command);
        Band band = await LoadExistingAsync(context.Message.BandId, context).ConfigureAwait(false);
        band.AddReview(context.Message.ReviewId, context.Message.Rating, context.Message.Comment);
        Stored(nameof(AddReview), await _repository.SaveAsync(band, command, context.CancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc/>
    public async Task Consume(ConsumeContext<FeatureBand> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        CommandContext command = CommandContext.From(context);
        using IDisposable? scope = SampleLog.BeginCommandScope(_logger, command);
        SampleTelemetry.TagCommand(Activity.Current, command);
        Band band = await LoadExistingAsync(context.Message.BandId, context).ConfigureAwait(false);
        band.Feature(context.Message.Reason);
        Stored(nameof(FeatureBand), await _repository.SaveAsync(band, command, context.CancellationToken).ConfigureAwait(false));
    }

    private async Task<Band> LoadExistingAsync(string bandId, ConsumeContext context) =>
        await _repository.LoadAsync(bandId, context.CancellationToken).ConfigureAwait(false)
        ?? throw new DomainException($"There is no band {bandId}.");

    private void Stored(string command, IReadOnlyList<StoredEvent> events)
    {
        foreach (StoredEvent stored in events)
        {
            SampleLog.EventAppended(_logger, command, stored.Type, stored.StreamId, stored.Version, stored.EventId);
        }
    }
}
