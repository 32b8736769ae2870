namespace Messaging.Tracing.Brokers;

/// <summary>Where the broker fixtures find their brokers (<see cref="BrokerEnvironment"/>).</summary>
public enum BrokerProvider
{
    /// <summary>
    /// The endpoints named by the environment variables (<c>RABBITMQ_URI</c>, <c>REDIS_CONNECTION</c>,
    /// <c>POSTGRES_CONNECTION</c>), or their local defaults for the ones not set.
    /// </summary>
    Env,

    /// <summary>Containers started by Testcontainers for this run, stopped when it ends.</summary>
    Testcontainers,

    /// <summary>The Debian servers on this machine, which <c>eng/brokers.sh</c> installs and starts (the defaults).</summary>
    Local,
}
