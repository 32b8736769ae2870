using System;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Messaging.Tracing.Propagation;

/// <summary>
/// Reads and writes the W3C <c>traceparent</c> value (https://www.w3.org/TR/trace-context/#traceparent-header),
/// from and to UTF-8 bytes or characters, without intermediate strings.
/// </summary>
/// <remarks>
/// Parsing is exact to the specification: lower-case hex only, version <c>ff</c> invalid, exactly
/// <see cref="Length"/> characters for version <c>00</c>, later versions accepted by their version-00
/// prefix when it is followed by the end or by <c>-</c>, all-zero trace or parent ids invalid.
/// The sampled (<c>01</c>) and random trace id (<c>02</c>) flags are kept as received, on every version, and written as
/// they are; every other flag bit is cleared on parse and on output (W3C Trace Context Level 2, "trace-flags": "Other
/// Flags ... Vendors MUST set those to zero").
/// </remarks>
public static class TraceParentCodec
{
    /// <summary>Length of a version-00 <c>traceparent</c> value: <c>00-{32 hex}-{16 hex}-{2 hex}</c>.</summary>
    public const int Length = 55;

    // Field offsets of the version-00 layout (W3C Trace Context, "version-format").
    private const int TraceIdOffset = 3;
    private const int TraceIdBytes = 16;
    private const int SpanIdOffset = 36;
    private const int SpanIdBytes = 8;
    private const int FlagsOffset = 53;

    /// <summary>Parses a <c>traceparent</c> value given as characters.</summary>
    /// <param name="value">The header value.</param>
    /// <param name="context">The remote context; <c>default</c> when the value is invalid.</param>
    /// <returns><see langword="true"/> when the value is a valid <c>traceparent</c>.</returns>
    public static bool TryParse(ReadOnlySpan<char> value, out ActivityContext context) => TryParseCore(value, out context);

    /// <summary>Parses a <c>traceparent</c> value given as UTF-8 (ASCII) bytes.</summary>
    /// <param name="value">The header value.</param>
    /// <param name="context">The remote context; <c>default</c> when the value is invalid.</param>
    /// <returns><see langword="true"/> when the value is a valid <c>traceparent</c>.</returns>
    public static bool TryParse(ReadOnlySpan<byte> value, out ActivityContext context) => TryParseCore(value, out context);

    /// <summary>Formats <paramref name="context"/> as a version-00 <c>traceparent</c> string.</summary>
    /// <param name="context">A valid context (non-zero ids).</param>
    /// <returns>The 55-character value.</returns>
    public static string Format(in ActivityContext context)
    {
        return string.Create(Length, context, static (span, ctx) => Write(ctx, span));
    }

    /// <summary>Formats <paramref name="context"/> as a version-00 <c>traceparent</c> in ASCII bytes.</summary>
    /// <param name="context">A valid context (non-zero ids).</param>
    /// <returns>A new 55-byte array.</returns>
    public static byte[] FormatUtf8(in ActivityContext context)
    {
        var bytes = new byte[Length];
        Write(context, bytes.AsSpan());
        return bytes;
    }

    /// <summary>Writes <paramref name="context"/> as a version-00 <c>traceparent</c> into <paramref name="destination"/>.</summary>
    /// <param name="context">A valid context (non-zero ids).</param>
    /// <param name="destination">At least <see cref="Length"/> bytes.</param>
    /// <returns><see langword="false"/> when <paramref name="destination"/> is too short.</returns>
    public static bool TryFormat(in ActivityContext context, Span<byte> destination)
    {
        if (destination.Length < Length)
        {
            return false;
        }

        Write(context, destination);
        return true;
    }

    private static bool TryParseCore<T>(ReadOnlySpan<T> value, out ActivityContext context)
        where T : unmanaged, IBinaryInteger<T>
    {
        context = default;
        if (value.Length < Length)
        {
            return false;
        }

        Span<byte> version = stackalloc byte[1];
        if (!HexEncoding.TryDecodeLower(value[..2], version) || version[0] == 0xFF)
        {
            return false;
        }

        // Version 00 is exactly 55 characters; a later version may append fields after a '-'.
        if (version[0] == 0 ? value.Length != Length : value.Length > Length && !IsDash(value[Length]))
        {
            return false;
        }

        if (!IsDash(value[2]) || !IsDash(value[SpanIdOffset - 1]) || !IsDash(value[FlagsOffset - 1]))
        {
            return false;
        }

        Span<byte> ids = stackalloc byte[TraceIdBytes + SpanIdBytes + 1];
        Span<byte> traceId = ids[..TraceIdBytes];
        Span<byte> spanId = ids.Slice(TraceIdBytes, SpanIdBytes);
        Span<byte> flags = ids[^1..];
        if (!HexEncoding.TryDecodeLower(value.Slice(TraceIdOffset, 2 * TraceIdBytes), traceId)
            || !HexEncoding.TryDecodeLower(value.Slice(SpanIdOffset, 2 * SpanIdBytes), spanId)
            || !HexEncoding.TryDecodeLower(value.Slice(FlagsOffset, 2), flags)
            || IsAllZero(traceId)
            || IsAllZero(spanId))
        {
            return false;
        }

        context = new ActivityContext(
            ActivityTraceId.CreateFromBytes(traceId),
            ActivitySpanId.CreateFromBytes(spanId),
            (ActivityTraceFlags)(flags[0] & TraceFlagBits.Known),
            traceState: null,
            isRemote: true);
        return true;
    }

    private static void Write<T>(in ActivityContext context, Span<T> destination)
        where T : unmanaged, IBinaryInteger<T>
    {
        // ActivityTraceId and ActivitySpanId hold their lower-case hex form already (the form "version-format" asks for):
        // copy it, rather than decoding it to bytes and encoding it again.
        T zero = T.CreateTruncating('0');
        T dash = T.CreateTruncating('-');
        destination[0] = zero;
        destination[1] = zero;
        destination[2] = dash;
        HexEncoding.CopyAscii(context.TraceId.ToHexString(), destination.Slice(TraceIdOffset, 2 * TraceIdBytes));
        destination[SpanIdOffset - 1] = dash;
        HexEncoding.CopyAscii(context.SpanId.ToHexString(), destination.Slice(SpanIdOffset, 2 * SpanIdBytes));
        destination[FlagsOffset - 1] = dash;
        destination[FlagsOffset] = zero;
        // The known flags fit in the low hex digit: '0' to '3'.
        destination[FlagsOffset + 1] = T.CreateTruncating('0' + ((int)context.TraceFlags & TraceFlagBits.Known));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsDash<T>(T c)
        where T : unmanaged, IBinaryInteger<T> => c == T.CreateTruncating('-');

    private static bool IsAllZero(ReadOnlySpan<byte> bytes) => !bytes.ContainsAnyExcept((byte)0);
}
