using System;
using System.Collections.Generic;
using OpenTelemetry;
using Xunit;

namespace Messaging.Tracing.Tests.Propagation;

public class BaggagePropertiesTests
{
    [Fact]
    public void OpenTelemetry_baggage_keeps_the_key_instances_it_is_created_with_through_Current_and_SetBaggage()
    {
        // The premise of carrying properties: Baggage.Create and SetBaggage copy dictionaries, which keep the key (and
        // value) string instances, so an extracted key instance travels with the baggage an application changes.
        string key = new('k', 3);
        string value = new('v', 3);
        Baggage previous = Baggage.Current;
        try
        {
            Baggage.Current = Baggage.Create(new Dictionary<string, string> { [key] = value });
            Baggage.SetBaggage("other", "x");
            Baggage.SetBaggage([new KeyValuePair<string, string?>("another", "y")]);

            KeyValuePair<string, string> member = Find(Baggage.Current, "kkk");
            Assert.Same(key, member.Key);
            Assert.Same(value, member.Value);

            // A new value keeps the key instance (the dictionary's indexer keeps its key), so the value tells a changed member.
            Baggage.SetBaggage("kkk", "changed");
            Assert.Same(key, Find(Baggage.Current, "kkk").Key);

            // Removed and set again: the application's own key instance.
            Baggage.RemoveBaggage("kkk");
            Baggage.SetBaggage("kkk", value);
            Assert.NotSame(key, Find(Baggage.Current, "kkk").Key);
        }
        finally
        {
            Baggage.Current = previous;
        }
    }

    private static KeyValuePair<string, string> Find(Baggage baggage, string key)
    {
        foreach (KeyValuePair<string, string> member in baggage)
        {
            if (member.Key == key)
            {
                return member;
            }
        }

        throw new InvalidOperationException($"{key} is missing");
    }
}
