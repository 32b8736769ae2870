using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using EventSourcing.Api;
using EventSourcing.Commands;
using EventSourcing.EventStore;
using EventSourcing.Kafka;
using EventSourcing.ProcessManagers;
using EventSourcing.Projections;
using EventSourcing.Telemetry;
using Marten;
using MassTransit;
using Npgsql;
using Messaging.Tracing;
using Messaging.Tracing.Events;
using Messaging.Tracing.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using StackExchange.Redis;

namespace EventSourcing;

/// <summary>
/// The whole application, composed and started in-process: Kestrel with the HTTP API, the MassTransit bus with the
/// command consumer, the event store, the Kafka publisher and subscribers, tracing and metrics. <c>Program.cs</c> runs it;
/// tests start it with the settings they choose and read its spans.
/// </summary>
public sealed class SampleApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TracerProvider _tracerProvider;
    private readonly MeterProvider _meterProvider;
    private readonly EmbeddedKafkaCluster? _embeddedKafka;
    private readonly ConnectionMultiplexer? _redis;
    private bool _stopped;
    private bool _disposed;

    private SampleApp(
        WebApplication app,
        SampleSettings settings,
        SpanCollector? collector,
        MeasurementCollector? metrics,
        TracerProvider tracerProvider,
        MeterProvider meterProvider,
        EmbeddedKafkaCluster? embeddedKafka,
        ConnectionMultiplexer? redis,
        Uri baseAddress)
    {
        _app = app;
        Settings = settings;
        Collector = collector;
        Metrics = metrics;
        _tracerProvider = tracerProvider;
        _meterProvider = meterProvider;
        _embeddedKafka = embeddedKafka;
        _redis = redis;
        BaseAddress = baseAddress;
    }

    /// <summary>Gets the address the HTTP API listens on (<c>http://127.0.0.1:{port}/</c>).</summary>
    public Uri BaseAddress { get; }

    /// <summary>Gets the settings in use.</summary>
    public SampleSettings Settings { get; }

    /// <summary>Gets the collector of every span of the process, or null when spans are not collected.</summary>
    public SpanCollector? Collector { get; }

    /// <summary>Gets the collector of every measurement of the Messaging.Tracing meter, or null when spans are not collected.</summary>
    public MeasurementCollector? Metrics { get; }

    /// <summary>Gets the application's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Gets the number of Kafka subscribers (projections and process managers); each consumes every event.</summary>
    public int KafkaSubscriberCount => Settings.EventStore == EventStoreKind.Marten ? 0 : Services.GetServices<IEventSubscriber>().Count();

    /// <summary>Gets the number of subscriptions on Marten's daemon (0 unless the store is Marten); each handles every event.</summary>
    public int MartenSubscriptionCount => Services.GetService<MartenSubscriptionDaemon>()?.SubscriptionCount ?? 0;

    /// <summary>Composes and starts the application.</summary>
    /// <param name="configuration">The configuration: the only source of settings (see <see cref="SampleSettings"/>).</param>
    /// <param name="options">How to start it; defaults when null.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The started application.</returns>
    public static async Task<SampleApp> StartAsync(IConfiguration configuration, SampleAppOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        options ??= new SampleAppOptions();
        SampleSettings settings = SampleSettings.From(configuration);

        var owned = new Stack<object>(); // what to release if the start fails, newest first
        try
        {
            SpanCollector? collector = null;
            MeasurementCollector? metrics = null;
            if (options.CollectSpans)
            {
                collector = new SpanCollector(new SpanCollectorOptions
                {
                    CaptureAll = true,
                    Sources = { SampleTelemetry.AspNetCoreSourceName, SampleTelemetry.SourceName },
                });
                owned.Push(collector);
                metrics = new MeasurementCollector();
                owned.Push(metrics);
            }

            TracerProvider tracerProvider = TracingSetup.CreateTracerProvider(settings);
            owned.Push(tracerProvider);
            MeterProvider meterProvider = MetricsSetup.CreateMeterProvider(settings);
            owned.Push(meterProvider);

            EmbeddedKafkaCluster? embeddedKafka = null;
            KafkaConnection kafka;
            if (settings.KafkaBootstrapServers is { } servers)
            {
                kafka = KafkaConnection.Configured(servers);
            }
            else
            {
                embeddedKafka = EmbeddedKafkaCluster.Start(message =>
                {
                    if (message.Level <= Confluent.Kafka.SyslogLevel.Warning)
                    {
                        Console.Error.WriteLine($"[librdkafka mock cluster] {message.Level} {message.Facility}: {message.Message}");
                    }
                });
                owned.Push(embeddedKafka);
                kafka = new KafkaConnection(embeddedKafka.BootstrapServers, IsEmbedded: true);
            }

            if (settings.EventStore == EventStoreKind.Marten)
            {
                await CheckPostgresAsync(settings.PostgresConnection!, cancellationToken).ConfigureAwait(false);
            }

            ConnectionMultiplexer? redis = null;
            if (settings.EventStore == EventStoreKind.Redis && settings.RedisConnection is { } redisConnection)
            {
                redis = await ConnectRedisAsync(redisConnection, settings.ServiceName).ConfigureAwait(false);
                owned.Push(redis);
            }

            WebApplication app = Build(configuration, settings, options, kafka, redis);
            owned.Push(app);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);

            string address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            var baseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
            SampleLog.Started(
                app.Services.GetRequiredService<ILogger<SampleApp>>(),
                baseAddress,
                settings.RabbitMqUri is { } rabbit ? $"RabbitMQ {rabbit.Host}:{(rabbit.IsDefaultPort ? 5672 : rabbit.Port)}" : "MassTransit in-memory transport",
                settings.EventStore switch
                {
                    EventStoreKind.Redis => $"Redis Streams at {settings.RedisConnection}",
                    EventStoreKind.Marten => $"Marten on PostgreSQL, schema {settings.PostgresSchema}",
                    _ => "memory",
                },
                kafka.Description,
                settings.OtlpEndpoint?.ToString() ?? "off");
            owned.Clear();
            return new SampleApp(app, settings, collector, metrics, tracerProvider, meterProvider, embeddedKafka, redis, baseAddress);
        }
        catch
        {
            while (owned.TryPop(out object? resource))
            {
                if (resource is IAsyncDisposable asyncDisposable)
                {
                    await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                }
                else
                {
                    ((IDisposable)resource).Dispose();
                }
            }

            throw;
        }
    }

    /// <summary>
    /// Waits until all asynchronous work caused by <paramref name="requests"/> HTTP requests has finished, judged from the
    /// collected spans (<see cref="TraceSettlement"/>): every request's server span ended, every command consumed, every
    /// Kafka message processed by every subscriber.
    /// </summary>
    /// <param name="requests">The number of HTTP requests made so far.</param>
    /// <param name="timeout">How long to wait at most.</param>
    /// <returns>The spans collected.</returns>
    /// <exception cref="InvalidOperationException">Spans are not collected.</exception>
    /// <exception cref="TimeoutException">The work did not finish in time; the message shows the spans so far.</exception>
    public Task<IReadOnlyList<Activity>> WaitForSettledAsync(int requests, TimeSpan timeout)
    {
        SpanCollector collector = Collector ?? throw new InvalidOperationException("Spans are not collected (SampleAppOptions.CollectSpans).");
        int subscribers = KafkaSubscriberCount;
        int subscriptions = MartenSubscriptionCount;
        return collector.WaitForAsync(spans => TraceSettlement.IsSettled(spans, requests, subscribers, subscriptions), timeout);
    }

    /// <summary>Waits until the application is asked to stop (Ctrl+C, SIGTERM).</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes at shutdown.</returns>
    public async Task WaitForShutdownAsync(CancellationToken cancellationToken = default)
    {
        await _app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        _stopped = true; // WaitForShutdownAsync has stopped the host already
    }

    /// <summary>Stops the application: HTTP, subscribers, bus.</summary>
    /// <param name="cancellationToken">Cuts the graceful stop short.</param>
    /// <returns>A task that completes when it stopped.</returns>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (!_stopped)
        {
            _stopped = true;
            await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops the application if needed and releases everything it holds (the mock cluster last).</summary>
    /// <returns>A task that completes when done.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await StopAsync(timeout.Token).ConfigureAwait(false);
        }
        finally
        {
            await _app.DisposeAsync().ConfigureAwait(false);
            _redis?.Dispose();
            _tracerProvider.Dispose();
            _meterProvider.Dispose();
            _embeddedKafka?.Dispose();
            Collector?.Dispose();
            Metrics?.Dispose();
        }
    }

    private static async Task<ConnectionMultiplexer> ConnectRedisAsync(string configuration, string clientName)
    {
        ConfigurationOptions options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = true;
        options.ClientName = clientName;
        try
        {
            return await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
        }
        catch (RedisConnectionException ex)
        {
            throw new InvalidOperationException($"Redis is not reachable at {configuration} (REDIS_CONNECTION).", ex);
        }
    }

    /// <summary>Fails the start with what to do when Marten's database cannot be reached (the string is not echoed: it may hold a password).</summary>
    private static async Task CheckPostgresAsync(string connectionString, CancellationToken cancellationToken)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidOperationException($"The PostgreSQL connection string (Sample:PostgresConnection or POSTGRES_CONNECTION) is not valid: {ex.Message}", ex);
        }

        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            throw new InvalidOperationException(
                $"PostgreSQL is not reachable at {builder.Host}:{builder.Port}/{builder.Database} as {builder.Username} (Sample:PostgresConnection or POSTGRES_CONNECTION): "
                + $"{ex.Message.TrimEnd('.')}. Start it with eng/brokers.sh, or point the setting at a running server.",
                ex);
        }
    }

    private static WebApplication Build(IConfiguration configuration, SampleSettings settings, SampleAppOptions options, KafkaConnection kafka, ConnectionMultiplexer? redis)
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(SampleApp).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });

        // The given configuration is the only source: tests start the app beside environment variables meant for others.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddConfiguration(configuration);
        builder.WebHost.UseUrls(settings.Urls);
        builder.Host.UseDefaultServiceProvider(o =>
        {
            o.ValidateScopes = true;
            o.ValidateOnBuild = true;
        });

        // Logs carry the trace and span ids of the current span, and the scopes (correlation id, command id).
        // They go to stderr, so stdout carries the scenario and the trace trees.
        builder.Logging.ClearProviders();
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        builder.Logging.AddSimpleConsole(o =>
        {
            o.IncludeScopes = true;
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        options.ConfigureLogging?.Invoke(builder.Logging);

        IServiceCollection services = builder.Services;
        services.AddSingleton(settings);
        services.AddSingleton(kafka);
        services.AddMessagingTracing();

        // Event store: Redis Streams or Marten when configured, in memory otherwise.
        if (redis is not null)
        {
            services.AddSingleton<IEventStore>(new RedisEventStore(redis.GetDatabase(), settings.RedisKeyPrefix));
        }
        else if (settings.EventStore == EventStoreKind.Marten)
        {
            AddMarten(services, settings);
        }
        else
        {
            services.AddSingleton<IEventStore, InMemoryEventStore>();
        }

        services.AddSingleton(sp => new EventTracer(sp.GetRequiredService<MessagingTracer>(), sp.GetRequiredService<IEventStore>().SystemName));
        services.AddSingleton<KafkaEventPublisher>();
        services.AddSingleton<BandRepository>();
        services.AddSingleton<CommandSender>();

        // Read side: two projections and a process manager, each a Kafka subscriber.
        services.AddSingleton<BandCatalogProjection>();
        services.AddSingleton<ReviewStatsProjection>();
        services.AddSingleton<FeaturingPolicy>();
        services.AddSingleton<Projection>(sp => sp.GetRequiredService<BandCatalogProjection>());
        services.AddSingleton<Projection>(sp => sp.GetRequiredService<ReviewStatsProjection>());
        services.AddSingleton<IEventSubscriber>(sp => sp.GetRequiredService<BandCatalogProjection>());
        services.AddSingleton<IEventSubscriber>(sp => sp.GetRequiredService<ReviewStatsProjection>());
        services.AddSingleton<IEventSubscriber>(sp => sp.GetRequiredService<FeaturingPolicy>());
        services.AddSingleton(sp => new ProjectionReplayer(
            sp.GetRequiredService<IEventStore>(), sp.GetRequiredService<EventTracer>(), sp.GetServices<Projection>(), sp.GetService<MartenSubscriptionDaemon>()));
        services.AddHostedService<StartupCatchUp>(); // hosted services start in order: catch up first, then consume
        services.AddHostedService<KafkaSubscriptionService>(); // on Marten: the topic only, no consumers
        if (settings.EventStore == EventStoreKind.Marten)
        {
            services.AddHostedService(sp => sp.GetRequiredService<MartenSubscriptionDaemon>());
        }

        // Commands: MassTransit over RabbitMQ when configured, its in-memory transport otherwise; traced by Messaging.Tracing.
        services.AddMassTransit(x =>
        {
            x.DisableUsageTelemetry(); // MassTransit 8.4 otherwise reports usage to masstransit.io
            x.AddConsumer<BandCommandsConsumer>().Endpoint(e =>
            {
                e.Name = settings.CommandQueue;
                e.ConcurrentMessageLimit = 1; // one command at a time keeps each band's events in order
                e.ConfigureConsumeTopology = false; // commands are sent to the queue, never published
            });
            if (settings.RabbitMqUri is { } rabbitMq)
            {
                x.UsingRabbitMq((context, cfg) =>
                {
                    ConfigureRabbitMqHost(cfg, rabbitMq);
                    cfg.UseMessagingTracing(context);
                    cfg.ConfigureEndpoints(context);
                });
            }
            else
            {
                x.UsingInMemory((context, cfg) =>
                {
                    cfg.UseMessagingTracing(context);
                    cfg.ConfigureEndpoints(context);
                });
            }
        });
        services.AddOptions<MassTransitHostOptions>().Configure(o =>
        {
            o.WaitUntilStarted = true;
            o.StartTimeout = TimeSpan.FromSeconds(30);
            o.StopTimeout = TimeSpan.FromSeconds(30);
        });

        WebApplication app = builder.Build();
        app.UseRouting();
        app.UseMiddleware<ServerSpanMiddleware>();
        app.UseMiddleware<CorrelationMiddleware>();
        app.MapBandEndpoints();
        app.MapProjectionEndpoints();
        return app;
    }

    /// <summary>
    /// The Marten store: appends traced by Messaging.Tracing.Marten with the application's tracer; the two projections and
    /// the process manager as subscriptions of Marten's async daemon (<see cref="MartenSubscriptionDaemon"/>).
    /// </summary>
    private static void AddMarten(IServiceCollection services, SampleSettings settings)
    {
        services.AddMarten(options => MartenEventStore.Configure(options, settings.PostgresConnection!, settings.PostgresSchema)).AddMessagingTracing();
        services.ConfigureMarten((sp, options) =>
        {
            foreach (EventSubscriberSubscription subscription in sp.GetServices<EventSubscriberSubscription>())
            {
                options.Events.Subscribe(subscription);
            }
        });
        services.AddSingleton<IEventStore, MartenEventStore>();
        services.AddSingleton(sp => new EventSubscriberSubscription(sp.GetRequiredService<MessagingTracer>(), sp.GetRequiredService<BandCatalogProjection>()));
        services.AddSingleton(sp => new EventSubscriberSubscription(sp.GetRequiredService<MessagingTracer>(), sp.GetRequiredService<ReviewStatsProjection>()));
        services.AddSingleton(sp => new EventSubscriberSubscription(sp.GetRequiredService<MessagingTracer>(), sp.GetRequiredService<FeaturingPolicy>()));
        services.AddSingleton<MartenSubscriptionDaemon>();
    }

    private static void ConfigureRabbitMqHost(IRabbitMqBusFactoryConfigurator cfg, Uri uri)
    {
        string[] user = Uri.UnescapeDataString(uri.UserInfo).Split(':', 2);
        string virtualHost = uri.AbsolutePath.Length > 1 ? Uri.UnescapeDataString(uri.AbsolutePath[1..]) : "/";
        bool tls = uri.Scheme == "amqps";
        ushort port = (ushort)(uri.IsDefaultPort || uri.Port < 0 ? (tls ? 5671 : 5672) : uri.Port);
        cfg.Host(uri.Host, port, virtualHost, h =>
        {
            if (user[0].Length > 0)
            {
                h.Username(user[0]);
                h.Password(user.Length > 1 ? user[1] : string.Empty);
            }

            if (tls)
            {
                h.UseSsl(s => s.ServerName = uri.Host);
            }
        });
    }
}
