using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Messaging.Tracing.Brokers;
using Messaging.Tracing.Propagation;
using Messaging.Tracing.Testing;
using OpenTelemetry;
using Xunit;
using Xunit.Abstractions;

namespace Messaging.Tracing.Reliability.Tests.Trust;

/// <summary>
/// A service consumes from one transport and, in its handler, produces onto another. Its baggage filters are
/// <see cref="BaggageKeyFilter"/> lists: a denied key never reaches the second wire (read raw, with the client library
/// alone), allowed keys pass, and what goes out is capped at the W3C limits by whole members.
/// </summary>
[Collection(TrustBrokers.Name)]
public class BaggageAcrossTransportsTests(KafkaCluster kafka, RabbitMqBroker rabbitMq, RedisBroker redis, ITestOutputHelper output)
{
    private readonly Wires _wires = new(kafka, rabbitMq, redis);

    /// <summary>First wire → second wire, with the key denied on the way in or on the way out.</summary>
    public static TheoryData<string, string, bool> Hops()
    {
        var hops = new TheoryData<string, string, bool>();
        foreach ((string from, string to) in new[] { (Wires.Kafka, Wires.RabbitMq), (Wires.RabbitMq, Wires.Redis), (Wires.Redis, Wires.Kafka), (Wires.MassTransit, Wires.Kafka) })
        {
            hops.Add(from, to, true);
            hops.Add(from, to, false);
        }

        return hops;
    }

    public static TheoryData<string, string> CapHops() => new()
    {
        { Wires.Kafka, Wires.RabbitMq },
        { Wires.RabbitMq, Wires.Redis },
        { Wires.Redis, Wires.Kafka },
    };

    [Theory]
    [MemberData(nameof(Hops))]
    public async Task A_denied_key_never_reaches_the_wire_of_the_next_transport_and_allowed_keys_pass(string from, string to, bool deniedInbound)
    {
        // The upstream sender puts everything on the first wire; the service between the two wires filters.
        Func<string, bool> deny = BaggageKeyFilter.Deny(SentBaggage.DeniedKey);
        var service = new MessagingTracer(new MessagingTracingOptions
        {
            InboundBaggageFilter = deniedInbound ? deny : null,
            OutboundBaggageFilter = deniedInbound ? null : deny,
        });
        await using Wire first = await _wires.CreateAsync(from, service, [null]);
        await using Wire second = await _wires.CreateAsync(to, service);
        using var collector = new SpanCollector();
        using (collector.StartRootSpan("request"))
        using (SentBaggage.Use())
        {
            await first.SendAsync(MessagingTracer.Default);
        }

        string? firstWire = null;
        IReadOnlyDictionary<string, string>? inHandler = null;
        await first.ProcessOneAsync(service, null, 0, async raw =>
        {
            firstWire = Wires.Single(raw, "baggage");
            inHandler = Baggage.Current.GetBaggage();
            await second.SendAsync(service);
        });

        Assert.Contains("user.email=ada@example.com", firstWire, StringComparison.Ordinal);
        Assert.Equal(!deniedInbound, inHandler!.ContainsKey(SentBaggage.DeniedKey));

        IReadOnlyList<KeyValuePair<string, byte[]>> secondWire = await second.ReadRawAsync();
        string[] members = (Wires.Single(secondWire, "baggage") ?? string.Empty).Split(',');
        Assert.DoesNotContain(members, m => m.StartsWith(SentBaggage.DeniedKey, StringComparison.Ordinal));
        Assert.DoesNotContain(secondWire, h => Encoding.UTF8.GetString(h.Value).Contains("ada@example.com", StringComparison.Ordinal));
        Assert.Equal(["region=eu%20west", "tenant=acme"], members.Order(StringComparer.Ordinal));

        // The trace goes on across both hops.
        Assert.True(TraceParentCodec.TryParse(Wires.Single(secondWire, "traceparent").AsSpan(), out var onward));
        Assert.Equal(collector.Spans.Single(s => s.DisplayName == "request").TraceId, onward.TraceId);
    }

    [Theory]
    [MemberData(nameof(CapHops))]
    public async Task Oversized_baggage_is_capped_at_the_w3c_limits_by_whole_members_on_the_next_wire(string from, string to)
    {
        // 250 members of 66 bytes (16.5 KB) from upstream, the denied key first; the handler adds two 3,000-byte members.
        KeyValuePair<string, string>[] upstream =
        [
            new(SentBaggage.DeniedKey, "ada@example.com"),
            .. Enumerable.Range(0, 250).Select(i => new KeyValuePair<string, string>($"k{i:D3}", $"v{i:D3}".PadRight(60, 'x'))),
        ];
        byte[] upstreamHeader = Encoding.ASCII.GetBytes(string.Join(',', upstream.Select(m => $"{m.Key}={Uri.EscapeDataString(m.Value)}")));
        var added = new Dictionary<string, string>(StringComparer.Ordinal) { ["big.one"] = new('a', 3000), ["big.two"] = new('b', 3000) };
        Dictionary<string, string> expected = upstream.Concat(added).ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal);

        var service = new MessagingTracer(new MessagingTracingOptions { OutboundBaggageFilter = BaggageKeyFilter.Deny(SentBaggage.DeniedKey) });
        await using Wire first = await _wires.CreateAsync(from, service, [null]);
        await using Wire second = await _wires.CreateAsync(to, service);
        await first.SendRawAsync([new("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"u8.ToArray()), new("baggage", upstreamHeader)]);

        int restored = 0;
        await first.ProcessOneAsync(service, null, 0, async _ =>
        {
            restored = Baggage.Current.Count;
            Baggage.Current = added.Aggregate(Baggage.Current, (baggage, member) => baggage.SetBaggage(member.Key, member.Value));
            await second.SendAsync(service);
        });

        byte[] onWire = [.. (await second.ReadRawAsync()).Single(h => h.Key == "baggage").Value];
        string[] members = Encoding.ASCII.GetString(onWire).Split(',');
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"REPORT trust hop={from}-{to} baggage_in_bytes={upstreamHeader.Length} baggage_in_members={upstream.Length} restored_members={restored} baggage_out_bytes={onWire.Length} baggage_out_members={members.Length}"));

        Assert.True(restored <= BaggageCodec.MaxMembers);
        Assert.True(onWire.Length <= BaggageCodec.MaxLength, $"{onWire.Length} bytes on the wire");
        Assert.True(members.Length <= BaggageCodec.MaxMembers);
        Assert.True(onWire.Length > BaggageCodec.MaxLength - 3100, "the cap dropped more than the members that did not fit");
        foreach (string member in members)
        {
            // Every member on the wire is whole: its value is exactly what was sent, never cut.
            int equals = member.IndexOf('=', StringComparison.Ordinal);
            string key = member[..equals];
            Assert.NotEqual(SentBaggage.DeniedKey, key);
            Assert.Equal(expected[key], Uri.UnescapeDataString(member[(equals + 1)..]));
        }
    }
}
