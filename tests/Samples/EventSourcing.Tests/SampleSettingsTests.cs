using System;
using System.Collections.Generic;
using Xunit;

namespace EventSourcing.Tests;

/// <summary>Which event store the settings choose, and the clear message when the choice cannot work.</summary>
public sealed class SampleSettingsTests
{
    [Fact]
    public void The_event_store_is_in_memory_unless_set_even_when_postgres_is_configured()
    {
        SampleSettings settings = SampleSettings.From(SampleConfiguration.From(new Dictionary<string, string?>
        {
            ["POSTGRES_CONNECTION"] = "Host=localhost",
        }));

        Assert.Equal(EventStoreKind.Memory, settings.EventStore);
    }

    [Fact]
    public void Marten_takes_the_sample_setting_over_POSTGRES_CONNECTION_and_its_own_schema()
    {
        SampleSettings settings = SampleSettings.From(SampleConfiguration.From(new Dictionary<string, string?>
        {
            ["Sample:EventStore"] = "Marten",
            ["POSTGRES_CONNECTION"] = "Host=elsewhere",
            ["Sample:PostgresConnection"] = "Host=localhost",
            ["Sample:PostgresSchema"] = "reviews_2",
        }));

        Assert.Equal(EventStoreKind.Marten, settings.EventStore);
        Assert.Equal("Host=localhost", settings.PostgresConnection);
        Assert.Equal("reviews_2", settings.PostgresSchema);
    }

    [Theory]
    [InlineData("marten", null, null, "Sample:EventStore=marten needs a PostgreSQL database: set POSTGRES_CONNECTION or Sample:PostgresConnection")]
    [InlineData("marten", "Host=localhost", "Band-Reviews", "Sample:PostgresSchema must be a lower-case identifier")]
    [InlineData("redis", null, null, "Sample:EventStore=redis needs REDIS_CONNECTION")]
    [InlineData("postgres", null, null, "Sample:EventStore must be 'memory', 'redis' or 'marten', not 'postgres'.")]
    public void A_store_that_cannot_work_is_refused_with_what_to_set(string store, string? connection, string? schema, string message)
    {
        var values = new Dictionary<string, string?>
        {
            ["Sample:EventStore"] = store,
            ["POSTGRES_CONNECTION"] = connection,
            ["Sample:PostgresSchema"] = schema,
        };

        var error = Assert.Throws<InvalidOperationException>(() => SampleSettings.From(SampleConfiguration.From(values)));
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }
}
