using System;
using System.Globalization;
using System.Linq;
using Microsoft.Extensions.Configuration;

namespace EventSourcing;

/// <summary>
/// The sample's settings. Every infrastructure setting is optional: unset, the embedded default is used
/// (MassTransit in-memory transport, in-memory event store, librdkafka's in-process mock cluster, no exporter).
/// </summary>
public sealed class SampleSettings
{
    /// <summary>The configuration section of the sample's own settings.</summary>
    public const string SectionName = "Sample";

    /// <summary>Gets the mode: <c>Sample:Mode</c> = <c>script</c> (default) or <c>serve</c>.</summary>
    public SampleMode Mode { get; init; }

    /// <summary>
    /// Gets Kestrel's URLs: <c>Sample:Urls</c>, else <c>ASPNETCORE_URLS</c>; by default a free port on 127.0.0.1 in
    /// script mode and <c>http://127.0.0.1:5080</c> in serve mode.
    /// </summary>
    public string Urls { get; init; } = "http://127.0.0.1:0";

    /// <summary>Gets <c>RABBITMQ_URI</c>: MassTransit over RabbitMQ when set, its in-memory transport otherwise.</summary>
    public Uri? RabbitMqUri { get; init; }

    /// <summary>Gets <c>REDIS_CONNECTION</c> (StackExchange.Redis configuration): Redis Streams event store when set, in memory otherwise.</summary>
    public string? RedisConnection { get; init; }

    /// <summary>
    /// Gets <c>Sample:EventStore</c>: <c>memory</c>, <c>redis</c> or <c>marten</c>; unset, Redis when <c>REDIS_CONNECTION</c>
    /// is set and memory otherwise.
    /// </summary>
    public EventStoreKind EventStore { get; init; }

    /// <summary>Gets the Npgsql connection string of the Marten store: <c>Sample:PostgresConnection</c>, else <c>POSTGRES_CONNECTION</c>.</summary>
    public string? PostgresConnection { get; init; }

    /// <summary>Gets <c>Sample:PostgresSchema</c>: the PostgreSQL schema of the Marten store (<c>band_reviews</c> by default).</summary>
    public string PostgresSchema { get; init; } = "band_reviews";

    /// <summary>Gets <c>KAFKA_BOOTSTRAP_SERVERS</c>: a real Kafka when set, librdkafka's in-process mock cluster otherwise.</summary>
    public string? KafkaBootstrapServers { get; init; }

    /// <summary>Gets <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>: spans are also exported with OTLP (e.g. to Jaeger) when set.</summary>
    public Uri? OtlpEndpoint { get; init; }

    /// <summary>Gets <c>OTEL_SERVICE_NAME</c>: the service name in exported traces (<c>band-reviews</c> by default).</summary>
    public string ServiceName { get; init; } = "band-reviews";

    /// <summary>Gets <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>: <c>grpc</c> (default, port 4317) or <c>http/protobuf</c> (port 4318).</summary>
    public string OtlpProtocol { get; init; } = "grpc";

    /// <summary>Gets <c>Sample:NamePrefix</c>: prepended to the queue, topic, consumer group and Redis key names (isolates runs sharing brokers).</summary>
    public string NamePrefix { get; init; } = string.Empty;

    /// <summary>Gets <c>Sample:SlowProjectionDelayMs</c>: extra time the review-stats projection takes per event (0 by default).</summary>
    public int SlowProjectionDelayMs { get; init; }

    /// <summary>Gets <c>Sample:ScenarioTimeoutSeconds</c>: how long the scripted scenario may take (60 by default).</summary>
    public int ScenarioTimeoutSeconds { get; init; } = 60;

    /// <summary>Gets <c>Sample:KafkaPartitions</c>: partitions of the events topic when it is created on a real Kafka (3 by default).</summary>
    public int KafkaPartitions { get; init; } = 3;

    /// <summary>Gets <c>Sample:FeatureAfterReviews</c>: how many reviews a band needs before the process manager features it (3).</summary>
    public int FeatureAfterReviews { get; init; } = 3;

    /// <summary>Gets <c>Sample:FeatureMinimumAverage</c>: the average rating a band needs to be featured (4.0).</summary>
    public double FeatureMinimumAverage { get; init; } = 4.0;

    /// <summary>Gets the MassTransit queue (receive endpoint) that takes every band command.</summary>
    public string CommandQueue => NamePrefix + "band-commands";

    /// <summary>Gets the Kafka topic the appended events are published to.</summary>
    public string EventsTopic => NamePrefix + "band-events";

    /// <summary>Gets the prefix of the Redis keys of the event store.</summary>
    public string RedisKeyPrefix => NamePrefix + "es:";

    /// <summary>Reads the settings from configuration (environment variables, appsettings.json, command line).</summary>
    /// <param name="configuration">The configuration.</param>
    /// <returns>The settings.</returns>
    /// <exception cref="InvalidOperationException">A setting has an invalid value.</exception>
    public static SampleSettings From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        IConfigurationSection sample = configuration.GetSection(SectionName);
        SampleMode mode = ParseMode(sample["Mode"]);
        string defaultUrls = mode == SampleMode.Serve ? "http://127.0.0.1:5080" : "http://127.0.0.1:0";
        string? redisConnection = NonEmpty(configuration["REDIS_CONNECTION"]);
        string? postgresConnection = NonEmpty(sample["PostgresConnection"]) ?? NonEmpty(configuration["POSTGRES_CONNECTION"]);
        string postgresSchema = NonEmpty(sample["PostgresSchema"]) ?? "band_reviews";
        var settings = new SampleSettings
        {
            Mode = mode,
            Urls = NonEmpty(sample["Urls"]) ?? NonEmpty(configuration["ASPNETCORE_URLS"]) ?? defaultUrls,
            RabbitMqUri = ParseUri(configuration, "RABBITMQ_URI", "amqp", "amqps"),
            RedisConnection = redisConnection,
            EventStore = ParseEventStore(sample["EventStore"], redisConnection, postgresConnection, postgresSchema),
            PostgresConnection = postgresConnection,
            PostgresSchema = postgresSchema,
            KafkaBootstrapServers = NonEmpty(configuration["KAFKA_BOOTSTRAP_SERVERS"]),
            OtlpEndpoint = ParseUri(configuration, "OTEL_EXPORTER_OTLP_ENDPOINT", "http", "https"),
            OtlpProtocol = ParseProtocol(configuration["OTEL_EXPORTER_OTLP_PROTOCOL"]),
            ServiceName = NonEmpty(configuration["OTEL_SERVICE_NAME"]) ?? "band-reviews",
            NamePrefix = NonEmpty(sample["NamePrefix"]) ?? string.Empty,
            SlowProjectionDelayMs = ParseInt(sample, "SlowProjectionDelayMs", 0, 0, 60_000),
            ScenarioTimeoutSeconds = ParseInt(sample, "ScenarioTimeoutSeconds", 60, 1, 3_600),
            KafkaPartitions = ParseInt(sample, "KafkaPartitions", 3, 1, 1_000),
            FeatureAfterReviews = ParseInt(sample, "FeatureAfterReviews", 3, 1, 1_000),
            FeatureMinimumAverage = ParseDouble(sample, "FeatureMinimumAverage", 4.0),
        };
        foreach (char c in settings.NamePrefix)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-'))
            {
                throw new InvalidOperationException($"Sample:NamePrefix may contain only ASCII letters, digits, '.', '_' and '-', not '{settings.NamePrefix}'.");
            }
        }

        return settings;
    }

    private static EventStoreKind ParseEventStore(string? value, string? redisConnection, string? postgresConnection, string postgresSchema)
    {
        EventStoreKind kind = NonEmpty(value)?.ToUpperInvariant() switch
        {
            null => redisConnection is null ? EventStoreKind.Memory : EventStoreKind.Redis,
            "MEMORY" => EventStoreKind.Memory,
            "REDIS" => EventStoreKind.Redis,
            "MARTEN" => EventStoreKind.Marten,
            _ => throw new InvalidOperationException($"Sample:EventStore must be 'memory', 'redis' or 'marten', not '{value}'."),
        };
        if (kind == EventStoreKind.Redis && redisConnection is null)
        {
            throw new InvalidOperationException("Sample:EventStore=redis needs REDIS_CONNECTION (e.g. localhost:6379).");
        }

        if (kind == EventStoreKind.Marten)
        {
            if (postgresConnection is null)
            {
                throw new InvalidOperationException(
                    "Sample:EventStore=marten needs a PostgreSQL database: set POSTGRES_CONNECTION or Sample:PostgresConnection to an Npgsql "
                    + "connection string, e.g. Host=localhost;Port=5432;Username=messaging_tracing;Password=messaging_tracing;Database=messaging_tracing.");
            }

            if (postgresSchema.Length > 63 || !char.IsAsciiLetterLower(postgresSchema[0]) || !postgresSchema.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
            {
                throw new InvalidOperationException($"Sample:PostgresSchema must be a lower-case identifier (a-z, 0-9, '_', starting with a letter, at most 63 characters), not '{postgresSchema}'.");
            }
        }

        return kind;
    }

    private static SampleMode ParseMode(string? value) => NonEmpty(value)?.ToUpperInvariant() switch
    {
        null or "SCRIPT" => SampleMode.Script,
        "SERVE" => SampleMode.Serve,
        _ => throw new InvalidOperationException($"Sample:Mode must be 'script' or 'serve', not '{value}'."),
    };

    private static string ParseProtocol(string? value) => NonEmpty(value)?.ToLowerInvariant() switch
    {
        null or "grpc" => "grpc",
        "http/protobuf" => "http/protobuf",
        _ => throw new InvalidOperationException($"OTEL_EXPORTER_OTLP_PROTOCOL must be 'grpc' or 'http/protobuf', not '{value}'."),
    };

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static Uri? ParseUri(IConfiguration configuration, string key, params string[] schemes)
    {
        string? value = NonEmpty(configuration[key]);
        if (value is null)
        {
            return null;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out Uri? uri) || Array.IndexOf(schemes, uri.Scheme) < 0)
        {
            throw new InvalidOperationException($"{key} must be an absolute {string.Join(" or ", schemes)} URI, not '{value}'.");
        }

        return uri;
    }

    private static int ParseInt(IConfigurationSection section, string key, int fallback, int min, int max)
    {
        string? value = NonEmpty(section[key]);
        if (value is null)
        {
            return fallback;
        }

        if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int result) || result < min || result > max)
        {
            throw new InvalidOperationException($"{SectionName}:{key} must be an integer from {min} to {max}, not '{value}'.");
        }

        return result;
    }

    private static double ParseDouble(IConfigurationSection section, string key, double fallback)
    {
        string? value = NonEmpty(section[key]);
        if (value is null)
        {
            return fallback;
        }

        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double result) || !double.IsFinite(result))
        {
            throw new InvalidOperationException($"{SectionName}:{key} must be a number, not '{value}'.");
        }

        return result;
    }
}
