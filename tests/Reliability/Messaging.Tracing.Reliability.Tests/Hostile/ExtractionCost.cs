using System;
using System.Diagnostics;

namespace Messaging.Tracing.Reliability.Tests.Hostile;

/// <summary>What extracting a hostile case's context costs on one carrier: the fastest of a few runs.</summary>
public readonly record struct ExtractionCost(double Microseconds, long AllocatedBytes)
{
    private const int Runs = 3;

    /// <summary>
    /// Most a single extraction may take, even of 1 MiB or 10,000 members, on a loaded two-core machine: work linear in the
    /// part of the value a parser must read stays far below it; quadratic work on 10,000 members or a 1 MiB copy per
    /// member does not.
    /// </summary>
    public static readonly TimeSpan TimeLimit = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Most an extraction may allocate: the restored context and baggage (at most 8192 bytes of members) and their
    /// collections. A copy of a 1 MiB value would exceed it.
    /// </summary>
    public const long AllocationLimit = 256 * 1024;

    public static ExtractionCost Measure(Action extract)
    {
        ArgumentNullException.ThrowIfNull(extract);
        double best = double.MaxValue;
        long allocated = long.MaxValue;
        for (int i = 0; i < Runs; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            long start = Stopwatch.GetTimestamp();
            extract();
            double microseconds = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
            best = Math.Min(best, microseconds);
        }

        return new ExtractionCost(best, allocated);
    }

    public override string ToString() => FormattableString.Invariant($"extract_us={Microseconds:0.0} extract_alloc_bytes={AllocatedBytes}");
}
