using System;
using System.Collections.Generic;
using Messaging.Tracing.Propagation;
using OpenTelemetry;
using Xunit;

namespace Messaging.Tracing.Tests;

public class BaggageKeyFilterTests
{
    public static TheoryData<string?> InvalidKeys => new()
    {
        null,
        string.Empty,
        "with space",
        "comma,",
        "semi;colon",
        "equals=",
        "quote\"",
        "caf\u00e9",
        "tab\t",
        "new\r\nline",
    };

    [Fact]
    public void Allow_accepts_exactly_the_listed_keys_ordinally()
    {
        Func<string, bool> filter = BaggageKeyFilter.Allow("tenant", "user.tier");

        Assert.True(filter("tenant"));
        Assert.True(filter("user.tier"));
        Assert.False(filter("Tenant"));
        Assert.False(filter("tenant "));
        Assert.False(filter("user"));
        Assert.False(filter(null!));
    }

    [Fact]
    public void Deny_accepts_every_key_but_the_listed_ones_ordinally()
    {
        Func<string, bool> filter = BaggageKeyFilter.Deny(new List<string> { "user.email", "session.token" });

        Assert.False(filter("user.email"));
        Assert.False(filter("session.token"));
        Assert.True(filter("User.Email"));
        Assert.True(filter("tenant"));
        Assert.False(filter(null!));
    }

    [Fact]
    public void Empty_lists_allow_nothing_or_deny_nothing()
    {
        Assert.False(BaggageKeyFilter.Allow()("tenant"));
        Assert.True(BaggageKeyFilter.Deny()("tenant"));
    }

    [Theory]
    [MemberData(nameof(InvalidKeys))]
    public void Keys_that_are_not_baggage_keys_fail_when_the_filter_is_created(string? key)
    {
        Assert.Throws<ArgumentException>(() => BaggageKeyFilter.Allow("tenant", key!));
        Assert.Throws<ArgumentException>(() => BaggageKeyFilter.Deny(key!));
    }

    [Fact]
    public void A_null_list_fails_when_the_filter_is_created()
    {
        Assert.Throws<ArgumentNullException>(() => BaggageKeyFilter.Allow((string[])null!));
        Assert.Throws<ArgumentNullException>(() => BaggageKeyFilter.Deny((IEnumerable<string>)null!));
    }

    [Fact]
    public void The_filters_apply_to_both_directions_of_a_propagator()
    {
        var propagator = new MessagePropagator(BaggageKeyFilter.Allow("tenant", "region"), BaggageKeyFilter.Deny("region"));
        var carrier = new Propagation.HeaderList { { "baggage", "tenant=acme,user.email=a%40b.c,region=eu" } };

        Baggage inbound = propagator.Extract(carrier, Propagation.HeaderListAdapter.Instance).Baggage;
        Assert.Equal(new Dictionary<string, string> { ["tenant"] = "acme", ["region"] = "eu" }, inbound.GetBaggage());

        var outgoing = new Propagation.HeaderList();
        propagator.Inject(outgoing, Propagation.HeaderListAdapter.Instance, default, inbound);
        Assert.Equal(["tenant=acme"], outgoing.Values("baggage"));
    }
}
