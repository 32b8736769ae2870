using System;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;

namespace Messaging.Tracing.Reliability.Tests.Soak;

/// <summary>
/// The body of a soak message: its index and the trace id and span id of the application span it was produced in,
/// <c>{index}|{trace id}|{span id}</c>. The handler compares the context it runs in with these.
/// </summary>
/// <param name="Index">The message's index in the run.</param>
/// <param name="TraceHigh">The first 8 bytes of the trace id.</param>
/// <param name="TraceLow">The last 8 bytes of the trace id.</param>
/// <param name="SpanId">The span id.</param>
public readonly record struct SoakPayload(int Index, ulong TraceHigh, ulong TraceLow, ulong SpanId)
{
    private const int TraceHexLength = 32;
    private const int SpanHexLength = 16;

    /// <summary>Formats the payload of message <paramref name="index"/> produced inside <paramref name="producer"/>.</summary>
    /// <param name="index">The message's index.</param>
    /// <param name="producer">The application's producer span.</param>
    /// <returns>The payload text.</returns>
    public static string Format(int index, Activity producer) =>
        string.Create(CultureInfo.InvariantCulture, $"{index}|{producer.TraceId.ToHexString()}|{producer.SpanId.ToHexString()}");

    /// <summary>Parses a payload.</summary>
    /// <param name="text">The payload text.</param>
    /// <param name="payload">The payload.</param>
    /// <returns>Whether <paramref name="text"/> is a payload.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, out SoakPayload payload)
    {
        payload = default;
        int first = text.IndexOf('|');
        if (first < 0 || text.Length != first + 1 + TraceHexLength + 1 + SpanHexLength || text[first + 1 + TraceHexLength] != '|')
        {
            return false;
        }

        ReadOnlySpan<char> trace = text.Slice(first + 1, TraceHexLength);
        if (!int.TryParse(text[..first], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            || !ulong.TryParse(trace[..SpanHexLength], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong high)
            || !ulong.TryParse(trace[SpanHexLength..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong low)
            || !ulong.TryParse(text[^SpanHexLength..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong span))
        {
            return false;
        }

        payload = new SoakPayload(index, high, low, span);
        return true;
    }

    /// <summary>Whether <paramref name="traceId"/> is this payload's trace.</summary>
    /// <param name="traceId">A trace id.</param>
    /// <returns>Whether they are equal.</returns>
    public bool IsTrace(ActivityTraceId traceId)
    {
        Span<byte> bytes = stackalloc byte[16];
        traceId.CopyTo(bytes);
        return BinaryPrimitives.ReadUInt64BigEndian(bytes) == TraceHigh && BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]) == TraceLow;
    }

    /// <summary>A span id as a number (big-endian, as its hex reads), so a run can keep one per message without strings.</summary>
    /// <param name="spanId">The span id.</param>
    /// <returns>The number.</returns>
    public static ulong ToNumber(ActivitySpanId spanId)
    {
        Span<byte> bytes = stackalloc byte[8];
        spanId.CopyTo(bytes);
        return BinaryPrimitives.ReadUInt64BigEndian(bytes);
    }
}
