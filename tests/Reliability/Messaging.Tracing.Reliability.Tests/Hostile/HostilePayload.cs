using System;

namespace Messaging.Tracing.Reliability.Tests.Hostile;

/// <summary>Message bodies whose bytes a test compares after delivery: every byte value, and a case-specific tag.</summary>
public static class HostilePayload
{
    /// <summary>A body of every byte value 0..255, then the case name in UTF-8.</summary>
    public static byte[] For(string caseName)
    {
        ArgumentNullException.ThrowIfNull(caseName);
        byte[] name = System.Text.Encoding.UTF8.GetBytes(caseName);
        var body = new byte[256 + name.Length];
        for (int i = 0; i < 256; i++)
        {
            body[i] = (byte)i;
        }

        name.CopyTo(body, 256);
        return body;
    }
}
