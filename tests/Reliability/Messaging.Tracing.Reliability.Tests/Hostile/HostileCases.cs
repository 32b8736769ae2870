using System.Collections.Generic;
using System.Linq;
using Messaging.Tracing.Testing.Hostile;
using Xunit;

namespace Messaging.Tracing.Reliability.Tests.Hostile;

/// <summary>Which corpus cases each kind of carrier can hold, as theory data (case names).</summary>
public static class HostileCases
{
    /// <summary>
    /// The largest hostile header value sent over AMQP: a content header must fit in one frame (RabbitMQ's
    /// <c>frame_max</c>, 131,072 bytes by default; AMQP 0-9-1 §4.2.6), so the 1 MiB cases are sent at this size instead.
    /// </summary>
    public const int AmqpOversizedLength = 100_000;

    /// <summary>Most header bytes of a corpus case sent over AMQP as it is: what fits in a 131,072-byte frame with the rest of the content header.</summary>
    public const int AmqpHeaderBudget = 120_000;

    /// <summary>Carriers that hold repeated names and null values (Kafka headers): every case.</summary>
    public static TheoryData<string> All() => Data(HostileHeaderCorpus.All);

    /// <summary>Redis stream fields: repeated names, but no null values (a field always has a value).</summary>
    public static TheoryData<string> NoNulls() => Data(HostileHeaderCorpus.All.Where(c => !c.HasNullValues));

    /// <summary>Dictionaries (event metadata, MassTransit headers): no repeated names.</summary>
    public static TheoryData<string> NoRepeats() => Data(HostileHeaderCorpus.All.Where(c => !c.HasRepeatedNames));

    /// <summary>
    /// JSON objects stored in a PostgreSQL <c>jsonb</c> column (Marten's event headers): no repeated names, and no value
    /// <c>jsonb</c> refuses (<c>\u0000</c>, a lone surrogate).
    /// </summary>
    public static TheoryData<string> Jsonb() => Data(HostileHeaderCorpus.All.Where(c => !c.HasRepeatedNames && FitsJsonb(c)));

    /// <summary>The cases without repeated names that a <c>jsonb</c> column refuses: their values hold <c>\u0000</c> or a lone surrogate.</summary>
    public static TheoryData<string> NotJsonb() => Data(HostileHeaderCorpus.All.Where(c => !c.HasRepeatedNames && !FitsJsonb(c)));

    /// <summary>AMQP header tables: no repeated names, and the oversized cases at <see cref="AmqpOversizedLength"/>.</summary>
    public static TheoryData<string> Amqp() => Data(AmqpCases());

    public static HostileHeaderCase Get(string name) =>
        name.Contains(AmqpLabel, System.StringComparison.Ordinal) ? AmqpCases().Single(c => c.Name == name) : HostileHeaderCorpus.Get(name);

    private static string AmqpLabel => AmqpOversizedLength.ToString(System.Globalization.CultureInfo.InvariantCulture) + "b";

    private static IEnumerable<HostileHeaderCase> AmqpCases() =>
        HostileHeaderCorpus.All.Where(c => !c.HasRepeatedNames && c.Size <= AmqpHeaderBudget)
            .Concat(HostileHeaderCorpus.Oversized(AmqpOversizedLength));

    private static bool FitsJsonb(HostileHeaderCase hostile) => hostile.Headers.All(h => h.Text is null || (!h.Text.Contains('\0', System.StringComparison.Ordinal) && !HasLoneSurrogate(h.Text)));

    private static bool HasLoneSurrogate(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }

    private static TheoryData<string> Data(IEnumerable<HostileHeaderCase> cases)
    {
        var data = new TheoryData<string>();
        foreach (HostileHeaderCase hostile in cases)
        {
            data.Add(hostile.Name);
        }

        return data;
    }
}
