using System;
using System.Collections.Generic;
using OpenTelemetry;

namespace Messaging.Tracing.Reliability.Tests.Trust;

/// <summary>The baggage a sender puts on its messages: a key every hop may carry and a private one that must not leave.</summary>
public static class SentBaggage
{
    public const string AllowedKey = "tenant";

    public const string DeniedKey = "user.email";

    public static IReadOnlyDictionary<string, string> Members { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [AllowedKey] = "acme",
        ["region"] = "eu west",
        [DeniedKey] = "ada@example.com",
    };

    /// <summary>Makes <see cref="Members"/> the current baggage until disposed.</summary>
    public static IDisposable Use() => new Scope(Baggage.Create(new Dictionary<string, string>(Members)));

    private sealed class Scope : IDisposable
    {
        private readonly Baggage _previous = Baggage.Current;

        public Scope(Baggage baggage) => Baggage.Current = baggage;

        public void Dispose() => Baggage.Current = _previous;
    }
}
