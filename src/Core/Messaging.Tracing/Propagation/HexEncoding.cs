using System;
using System.Numerics;

namespace Messaging.Tracing.Propagation;

/// <summary>Lower-case hexadecimal, the only form W3C Trace Context allows.</summary>
internal static class HexEncoding
{
    private const string Digits = "0123456789abcdef";

    /// <summary>Decodes lower-case hex into <paramref name="destination"/>; false on any other character.</summary>
    public static bool TryDecodeLower<T>(ReadOnlySpan<T> source, Span<byte> destination)
        where T : unmanaged, IBinaryInteger<T>
    {
        for (int i = 0; i < destination.Length; i++)
        {
            int high = DecodeLower(int.CreateTruncating(source[2 * i]));
            int low = DecodeLower(int.CreateTruncating(source[(2 * i) + 1]));
            if ((high | low) < 0)
            {
                return false;
            }

            destination[i] = (byte)((high << 4) | low);
        }

        return true;
    }

    /// <summary>Writes <paramref name="source"/> as lower-case hex, two elements a byte.</summary>
    public static void EncodeLower<T>(ReadOnlySpan<byte> source, Span<T> destination)
        where T : unmanaged, IBinaryInteger<T>
    {
        for (int i = 0; i < source.Length; i++)
        {
            destination[2 * i] = T.CreateTruncating(Digits[source[i] >> 4]);
            destination[(2 * i) + 1] = T.CreateTruncating(Digits[source[i] & 0xF]);
        }
    }

    private static int DecodeLower(int c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        _ => -1,
    };
}
