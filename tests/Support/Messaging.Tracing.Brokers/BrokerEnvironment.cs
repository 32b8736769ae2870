using System;
using System.Threading.Tasks;

namespace Messaging.Tracing.Brokers;

/// <summary>
/// Chooses, once per test run, where the broker fixtures (<see cref="RabbitMqBroker"/>, <see cref="RedisBroker"/>,
/// <see cref="PostgresDatabase"/>) find their brokers, and prints the choice (docs/testcontainers.md).
/// </summary>
/// <remarks>
/// <para>
/// <c>MESSAGING_TRACING_BROKERS=env|testcontainers|local</c> forces a provider. Unset: <see cref="BrokerProvider.Env"/>
/// when one of the endpoint variables is set; else <see cref="BrokerProvider.Testcontainers"/> when a Docker engine
/// answers and has a <c>bridge</c> network (a developer machine: registry images, mapped ports); else
/// <see cref="BrokerProvider.Local"/>. An engine without a bridge network is the narrow mode of the build machines
/// (eng/docker.sh): it is used only when forced, so the default there stays the local servers.
/// </para>
/// <para>
/// <c>MESSAGING_TRACING_BROKER_IMAGES=registry|local</c> chooses the images Testcontainers runs: the usual images of
/// Testcontainers' modules (<c>registry</c>), or the images eng/docker.sh builds from Debian's packages, run with host
/// networking on a free loopback port (<c>local</c>). Unset: <c>local</c> on an engine without a bridge network, else
/// <c>registry</c>.
/// </para>
/// </remarks>
public static class BrokerEnvironment
{
    /// <summary>The environment variable forcing a provider: <c>MESSAGING_TRACING_BROKERS</c>.</summary>
    public const string ProviderVariable = "MESSAGING_TRACING_BROKERS";

    /// <summary>The environment variable choosing the containers' images: <c>MESSAGING_TRACING_BROKER_IMAGES</c>.</summary>
    public const string ImagesVariable = "MESSAGING_TRACING_BROKER_IMAGES";

    private static readonly string[] EndpointVariables = [RabbitMqBroker.UriVariable, RedisBroker.ConnectionVariable, PostgresDatabase.ConnectionVariable, KafkaCluster.BootstrapServersVariable];

    private static readonly Lazy<BrokerProvider> Chosen = new(Choose);

    /// <summary>The provider of this run (chosen on first use; may ask the Docker engine, within seconds).</summary>
    public static BrokerProvider Provider => Chosen.Value;

    /// <summary>Whether Testcontainers runs the local images (eng/docker.sh) with host networking.</summary>
    internal static bool UseLocalImages { get; private set; }

    /// <summary>The provider for a setting, the endpoint variables and the engine (the rule, apart for its tests).</summary>
    /// <param name="forced">The value of <c>MESSAGING_TRACING_BROKERS</c>, or <see langword="null"/>.</param>
    /// <param name="endpointsSet">One of the endpoint variables is set.</param>
    /// <param name="engine">The Docker engine, asked only when needed.</param>
    /// <returns>The provider and why.</returns>
    /// <exception cref="ArgumentException"><paramref name="forced"/> is not one of <c>env</c>, <c>testcontainers</c>, <c>local</c>.</exception>
    internal static (BrokerProvider Provider, string Reason) Choose(string? forced, bool endpointsSet, Func<DockerEngine> engine)
    {
        if (!string.IsNullOrWhiteSpace(forced))
        {
            BrokerProvider provider = forced.Trim().ToLowerInvariant() switch
            {
                "env" => BrokerProvider.Env,
                "testcontainers" => BrokerProvider.Testcontainers,
                "local" => BrokerProvider.Local,
                _ => throw new ArgumentException($"{ProviderVariable} must be env, testcontainers or local, not '{forced}'.", nameof(forced)),
            };
            return (provider, $"forced by {ProviderVariable}");
        }

        if (endpointsSet)
        {
            return (BrokerProvider.Env, "an endpoint variable is set");
        }

        DockerEngine docker = engine();
        if (!docker.Answers)
        {
            return (BrokerProvider.Local, "no Docker engine answers");
        }

        return docker.HasBridge
            ? (BrokerProvider.Testcontainers, $"a Docker engine answers (API {docker.ApiVersion})")
            : (BrokerProvider.Local, "the Docker engine has no bridge network (narrow mode: used only when forced)");
    }

    private static BrokerProvider Choose()
    {
        DockerEngine? probed = null;
        DockerEngine Engine() => probed ??= Task.Run(DockerEngine.ProbeAsync).GetAwaiter().GetResult();

        (BrokerProvider provider, string reason) = Choose(
            Environment.GetEnvironmentVariable(ProviderVariable),
            Array.Exists(EndpointVariables, name => !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(name))),
            Engine);

        string detail = "";
        if (provider == BrokerProvider.Testcontainers)
        {
            DockerEngine docker = Engine();
            if (!docker.Answers)
            {
                throw new BrokerUnavailableException($"{ProviderVariable}=testcontainers but no Docker engine answers (DOCKER_HOST or /var/run/docker.sock). Start one, e.g. with eng/docker.sh.");
            }

            string? images = Environment.GetEnvironmentVariable(ImagesVariable);
            UseLocalImages = string.IsNullOrWhiteSpace(images) ? !docker.HasBridge : images.Trim().Equals("local", StringComparison.OrdinalIgnoreCase);
            if (!docker.HasBridge)
            {
                // The narrow mode (docs/testcontainers.md): Testcontainers 4.17 must speak the engine's API version, and
                // cannot pull its Ryuk image. Process-wide settings of the test process, set before Testcontainers starts.
                SetWhenUnset("DOCKER_API_VERSION", docker.ApiVersion ?? "1.41");
                SetWhenUnset("TESTCONTAINERS_RYUK_DISABLED", "true");
            }

            detail = UseLocalImages ? ", local images (eng/docker.sh), host network" : ", registry images, mapped ports";
        }

        Report($"provider {provider.ToString().ToLowerInvariant()} ({reason}{detail})");
        return provider;
    }

    /// <summary>Prints a line about the brokers of this run (standard error: shown by <c>dotnet test</c>).</summary>
    /// <param name="message">The line, without prefix.</param>
    internal static void Report(string message) => Console.Error.WriteLine($"[brokers] {message}");

    private static void SetWhenUnset(string name, string value)
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(name)))
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }
}
