using System;
using System.Collections.Generic;
using Messaging.Tracing.Propagation;
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

    [Fact]
    public void Get_reads_the_decoded_properties_of_a_received_member_in_order()
    {
        Baggage parsed = BaggageCodec.Parse("tenant=acme;scope=eu%20west;flag;scope=x;empty=,user=alice".AsSpan());

        Assert.Equal(
            [new("scope", "eu west"), new("flag", null), new("scope", "x"), new("empty", string.Empty)],
            BaggageProperties.Get(parsed, "tenant"));
        Assert.Empty(BaggageProperties.Get(parsed, "user"));
        Assert.Empty(BaggageProperties.Get(parsed, "absent"));
        Assert.Empty(BaggageProperties.Get(parsed, "Tenant"));
        Assert.Empty(BaggageProperties.Get(default, "tenant"));
    }

    [Fact]
    public void Get_reads_Baggage_Current_and_follows_the_applications_changes()
    {
        Baggage parsed = BaggageCodec.Parse("tenant=acme;scope=eu,user=alice;role=admin".AsSpan());
        Baggage previous = Baggage.Current;
        try
        {
            Baggage.Current = parsed;
            Assert.Equal([new("scope", "eu")], BaggageProperties.Get("tenant"));

            Baggage.SetBaggage("request", "r1");
            Assert.Equal([new("scope", "eu")], BaggageProperties.Get("tenant"));
            Assert.Equal([new("role", "admin")], BaggageProperties.Get("user"));

            Baggage.SetBaggage("tenant", "globex");
            Assert.Empty(BaggageProperties.Get("tenant"));

            Baggage.RemoveBaggage("user");
            Baggage.SetBaggage("user", "alice");
            Assert.Empty(BaggageProperties.Get("user"));
        }
        finally
        {
            Baggage.Current = previous;
        }
    }

    [Fact]
    public void The_applications_own_members_have_no_properties()
    {
        _ = BaggageCodec.Parse("tenant=acme;scope=eu".AsSpan());
        var own = Baggage.Create(new Dictionary<string, string> { ["tenant"] = "acme" });

        Assert.Empty(BaggageProperties.Get(own, "tenant"));
        Assert.Equal("tenant=acme", BaggageCodec.Format(own.GetBaggage()));
    }

    [Fact]
    public void Get_refuses_a_null_key()
    {
        Assert.Throws<ArgumentNullException>(() => BaggageProperties.Get(null!));
        Assert.Throws<ArgumentNullException>(() => BaggageProperties.Get(default, null!));
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
