using System;
using System.Threading.Tasks;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;

namespace Messaging.Tracing.Benchmarks.Marten;

/// <summary>A subscription controller in <see cref="ShardExecutionMode.Continuous"/> mode (a live daemon) that does nothing.</summary>
public sealed class LiveController : ISubscriptionController
{
    /// <summary>Initializes a new instance of the <see cref="LiveController"/> class.</summary>
    /// <param name="name">The shard.</param>
    public LiveController(ShardName name) => Name = name;

    /// <inheritdoc/>
    public ShardExecutionMode Mode => ShardExecutionMode.Continuous;

    /// <inheritdoc/>
    public ErrorHandlingOptions ErrorOptions { get; } = new();

    /// <inheritdoc/>
    public ShardName Name { get; }

    /// <inheritdoc/>
    public AsyncOptions Options { get; } = new();

    /// <inheritdoc/>
    public ValueTask MarkSuccessAsync(long processedCeiling) => ValueTask.CompletedTask;

    /// <inheritdoc/>
    public Task ReportCriticalFailureAsync(Exception ex) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task ReportCriticalFailureAsync(Exception ex, long lastProcessed) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task RecordDeadLetterEventAsync(IEvent @event, Exception ex) => Task.CompletedTask;
}
