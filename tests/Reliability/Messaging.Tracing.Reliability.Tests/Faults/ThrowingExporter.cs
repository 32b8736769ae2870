using System.Diagnostics;
using System.Threading;
using OpenTelemetry;

namespace Messaging.Tracing.Reliability.Tests.Faults;

/// <summary>An exporter whose every export throws, or (<paramref name="throws"/> false) fails.</summary>
/// <param name="throws">Whether exports throw rather than return <see cref="ExportResult.Failure"/>.</param>
public sealed class ThrowingExporter(bool throws) : BaseExporter<Activity>
{
    private int _calls;

    /// <summary>Gets how many exports threw.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <inheritdoc/>
    public override ExportResult Export(in Batch<Activity> batch)
    {
        Interlocked.Increment(ref _calls);
        return throws ? throw new InjectedFaultException(nameof(ThrowingExporter)) : ExportResult.Failure;
    }
}
