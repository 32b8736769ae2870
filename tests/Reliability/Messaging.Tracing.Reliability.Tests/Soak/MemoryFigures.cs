namespace Messaging.Tracing.Reliability.Tests.Soak;

/// <summary>The managed heap of a soak run, each after a full, compacting GC.</summary>
/// <param name="HeapStart">Before the first message.</param>
/// <param name="HeapFirstHalf">When the first half was handled and its spans exported.</param>
/// <param name="HeapSecondHalf">When the second half was handled and its spans exported.</param>
/// <param name="Allocated">Bytes allocated by the whole process during the run (producers, brokers' clients, consumers, probe).</param>
/// <param name="SecondHalfMessages">Messages of the second half.</param>
/// <param name="GcPause">Time the runtime was paused for garbage collections during the two halves, the forced one between them included.</param>
/// <param name="Gen2Collections">Full collections during the two halves, the forced one between them included.</param>
public readonly record struct MemoryFigures(
    long HeapStart,
    long HeapFirstHalf,
    long HeapSecondHalf,
    long Allocated,
    int SecondHalfMessages,
    System.TimeSpan GcPause,
    int Gen2Collections)
{
    /// <summary>Gets the heap growth over the second half: what a leak per message would add to.</summary>
    public long Growth => HeapSecondHalf - HeapFirstHalf;

    /// <summary>Gets the growth allowed: <see cref="SoakSettings.HeapGrowthFloorBytes"/> plus <see cref="SoakSettings.HeapGrowthPerMessageBound"/> per message of the second half.</summary>
    public long GrowthBound => SoakSettings.HeapGrowthFloorBytes + (SoakSettings.HeapGrowthPerMessageBound * SecondHalfMessages);
}
