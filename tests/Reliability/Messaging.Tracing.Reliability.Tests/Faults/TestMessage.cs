using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Messaging.Tracing.Reliability.Tests.Faults;

/// <summary>A message of a reliability run: a unique id and a payload whose bytes must arrive unchanged.</summary>
/// <param name="Id">The id, unique in the run.</param>
/// <param name="Payload">The bytes sent.</param>
public sealed record TestMessage(string Id, byte[] Payload)
{
    /// <summary>Payload bytes besides the id: enough that a corruption would show.</summary>
    private const int PayloadBytes = 48;

    /// <summary>Creates <paramref name="count"/> messages with ids <c>{prefix}-000000</c>… and seeded random payloads.</summary>
    /// <param name="prefix">Prefix of the ids.</param>
    /// <param name="count">How many.</param>
    /// <param name="seed">Seed of the payloads.</param>
    /// <returns>The messages.</returns>
    public static IReadOnlyList<TestMessage> Create(string prefix, int count, int seed = 7)
    {
        var random = new Random(seed);
        var messages = new TestMessage[count];
        for (int i = 0; i < count; i++)
        {
            string id = prefix + "-" + i.ToString("D6", CultureInfo.InvariantCulture);
            byte[] noise = new byte[PayloadBytes];
            random.NextBytes(noise);
            byte[] idBytes = Encoding.ASCII.GetBytes(id);
            byte[] payload = new byte[idBytes.Length + 1 + noise.Length];
            idBytes.CopyTo(payload, 0);
            payload[idBytes.Length] = (byte)'|';
            noise.CopyTo(payload, idBytes.Length + 1);
            messages[i] = new TestMessage(id, payload);
        }

        return messages;
    }
}
