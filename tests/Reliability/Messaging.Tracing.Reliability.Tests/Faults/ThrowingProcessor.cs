using System.Diagnostics;
using System.Threading;
using OpenTelemetry;

namespace Messaging.Tracing.Reliability.Tests.Faults;

/// <summary>An OpenTelemetry processor whose <c>OnStart</c> or <c>OnEnd</c> throws.</summary>
/// <param name="onStart">Whether OnStart throws (else OnEnd does).</param>
public sealed class ThrowingProcessor(bool onStart) : BaseProcessor<Activity>
{
    private int _calls;

    /// <summary>Gets how many calls threw.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <inheritdoc/>
    public override void OnStart(Activity data)
    {
        if (onStart)
        {
            Interlocked.Increment(ref _calls);
            throw new InjectedFaultException(nameof(OnStart));
        }
    }

    /// <inheritdoc/>
    public override void OnEnd(Activity data)
    {
        if (!onStart)
        {
            Interlocked.Increment(ref _calls);
            throw new InjectedFaultException(nameof(OnEnd));
        }
    }
}
