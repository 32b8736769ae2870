using System;
using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;

namespace Messaging.Tracing.Propagation;

/// <summary>Lower-case hexadecimal, the only form W3C Trace Context allows.</summary>
internal static class HexEncoding
{
    /// <summary>Marks a character that is not a lower-case hex digit in <see cref="LowerHexValues"/>.</summary>
    private const byte NotHex = 0xFF;

    private const string LowerHexDigits = "0123456789abcdef";

    private static readonly SearchValues<char> LowerHexChars = SearchValues.Create(LowerHexDigits);

    private static readonly SearchValues<byte> LowerHexUtf8 = SearchValues.Create("0123456789abcdef"u8);

    /// <summary>
    /// The value of each ASCII character as a lower-case hex digit, <see cref="NotHex"/> for every other one: a table lookup
    /// per character instead of range comparisons on the extract path.
    /// </summary>
    private static ReadOnlySpan<byte> LowerHexValues =>
    [
        // 0x00 - 0x2F: control characters, space and punctuation
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,

        // 0x30 - 0x3F: '0' - '9', then punctuation
        0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,

        // 0x40 - 0x5F: '@', upper-case letters (not allowed), punctuation
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,

        // 0x60 - 0x7F: '`', 'a' - 'f', then the other lower-case letters and punctuation
        0xFF, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    ];

    /// <summary>Decodes lower-case hex into <paramref name="destination"/>; false on any other character or on too short a source.</summary>
    /// <remarks>
    /// Characters and UTF-8 bytes are checked with a vectorized search for anything but a lower-case hex digit, then decoded
    /// by <c>Convert.FromHexString</c> (also vectorized) where the runtime has the span overloads (.NET 9 for characters,
    /// .NET 10 for UTF-8); elsewhere a table lookup per character decodes.
    /// </remarks>
    public static bool TryDecodeLower<T>(ReadOnlySpan<T> source, Span<byte> destination)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (source.Length < 2 * destination.Length)
        {
            return false;
        }

        source = source[..(2 * destination.Length)];
        if (destination.Length == 1)
        {
            // One byte (a version or flags field): the table is quicker than setting up a vectorized search.
            return TryDecodeLowerByTable(source, destination);
        }

        if (typeof(T) == typeof(byte))
        {
            ReadOnlySpan<byte> utf8 = MemoryMarshal.Cast<T, byte>(source);
            if (utf8.IndexOfAnyExcept(LowerHexUtf8) >= 0)
            {
                return false;
            }
#if NET10_0_OR_GREATER
            return Convert.FromHexString(utf8, destination, out _, out int written) == OperationStatus.Done && written == destination.Length;
#endif
        }
        else if (typeof(T) == typeof(char))
        {
            ReadOnlySpan<char> chars = MemoryMarshal.Cast<T, char>(source);
            if (chars.IndexOfAnyExcept(LowerHexChars) >= 0)
            {
                return false;
            }
#if NET9_0_OR_GREATER
            return Convert.FromHexString(chars, destination, out _, out int written) == OperationStatus.Done && written == destination.Length;
#endif
        }

        return TryDecodeLowerByTable(source, destination);
    }

    private static bool TryDecodeLowerByTable<T>(ReadOnlySpan<T> source, Span<byte> destination)
        where T : unmanaged, IBinaryInteger<T>
    {
        ReadOnlySpan<byte> values = LowerHexValues;
        for (int i = 0; i < destination.Length; i++)
        {
            // Characters past the table (any non-ASCII char) are out of range: the uint comparison makes them NotHex too.
            uint highChar = uint.CreateTruncating(source[2 * i]);
            uint lowChar = uint.CreateTruncating(source[(2 * i) + 1]);
            int high = highChar < (uint)values.Length ? values[(int)highChar] : NotHex;
            int low = lowChar < (uint)values.Length ? values[(int)lowChar] : NotHex;
            if ((high | low) > 0xF)
            {
                return false;
            }

            destination[i] = (byte)((high << 4) | low);
        }

        return true;
    }

    /// <summary>
    /// Copies ASCII characters (hex digits) into <paramref name="destination"/>, as characters or as UTF-8 bytes; the
    /// copy is vectorized for both.
    /// </summary>
    public static void CopyAscii<T>(ReadOnlySpan<char> source, Span<T> destination)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (typeof(T) == typeof(char))
        {
            source.CopyTo(MemoryMarshal.Cast<T, char>(destination));
        }
        else if (typeof(T) == typeof(byte))
        {
            _ = Ascii.FromUtf16(source, MemoryMarshal.Cast<T, byte>(destination), out _);
        }
        else
        {
            for (int i = 0; i < source.Length; i++)
            {
                destination[i] = T.CreateTruncating(source[i]);
            }
        }
    }
}
