namespace Messaging.Tracing.Reliability.Tests.Soak;

/// <summary>What the <see cref="StarvationProbe"/> saw: the whole run, and the steady state (the second half).</summary>
/// <param name="Samples">Work items that ran.</param>
/// <param name="StillWaiting">Work items queued that had not started when the probe stopped.</param>
/// <param name="MaxDelayMs">The longest wait to start over the whole run, warm-up included, in milliseconds.</param>
/// <param name="P99DelayMs">The 99th percentile of the waits over the whole run, in milliseconds.</param>
/// <param name="SteadyMaxDelayMs">The longest wait in the steady state, in milliseconds.</param>
/// <param name="SteadyP99DelayMs">The 99th percentile of the waits in the steady state, in milliseconds.</param>
/// <param name="PendingMax">The largest pending work item count sampled.</param>
public readonly record struct StarvationFigures(
    int Samples,
    int StillWaiting,
    double MaxDelayMs,
    double P99DelayMs,
    double SteadyMaxDelayMs,
    double SteadyP99DelayMs,
    long PendingMax);
