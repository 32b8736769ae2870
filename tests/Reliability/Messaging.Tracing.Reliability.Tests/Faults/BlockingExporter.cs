using System.Diagnostics;
using System.Threading;
using OpenTelemetry;

namespace Messaging.Tracing.Reliability.Tests.Faults;

/// <summary>An exporter whose first export blocks until <see cref="Release"/> (a collector that stopped answering).</summary>
public sealed class BlockingExporter : BaseExporter<Activity>
{
    private readonly ManualResetEventSlim _gate = new(initialState: false);
    private int _calls;

    /// <summary>Gets how many exports were entered.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Lets the blocked export return, so the provider can shut down.</summary>
    public void Release() => _gate.Set();

    /// <inheritdoc/>
    public override ExportResult Export(in Batch<Activity> batch)
    {
        Interlocked.Increment(ref _calls);
        _gate.Wait();
        return ExportResult.Failure;
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _gate.Set();
            _gate.Dispose();
        }

        base.Dispose(disposing);
    }
}
