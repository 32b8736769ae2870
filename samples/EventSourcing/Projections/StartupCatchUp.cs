using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using EventSourcing.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EventSourcing.Projections;

/// <summary>
/// Before the Kafka consumers start, rebuilds the in-memory read models and the process manager's state from the event
/// store (which, like Kafka's committed offsets, outlives a restart). Events Kafka delivers again afterwards are
/// skipped by their stream version. With an empty store (the embedded default) it does nothing.
/// </summary>
public sealed class StartupCatchUp : IHostedService
{
    private readonly ProjectionReplayer _replayer;
    private readonly IEventSubscriber[] _subscribers;
    private readonly ILogger<StartupCatchUp> _logger;

    /// <summary>Initializes a new instance of the <see cref="StartupCatchUp"/> class.</summary>
    /// <param name="replayer">The replayer.</param>
    /// <param name="subscribers">The subscribers to bring up to date.</param>
    /// <param name="logger">The logger.</param>
    public StartupCatchUp(ProjectionReplayer replayer, IEnumerable<IEventSubscriber> subscribers, ILogger<StartupCatchUp> logger)
    {
        _replayer = replayer;
        _subscribers = subscribers.ToArray();
        _logger = logger;
    }

    /// <inheritdoc/>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        int count = await _replayer.CatchUpAsync(_subscribers, cancellationToken).ConfigureAwait(false);
        if (count > 0)
        {
            SampleLog.CaughtUp(_logger, count, _subscribers.Length);
        }
    }

    /// <inheritdoc/>
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
