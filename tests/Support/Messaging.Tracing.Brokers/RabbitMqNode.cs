using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading.Tasks;
using Xunit;

namespace Messaging.Tracing.Brokers;

/// <summary>
/// A dedicated RabbitMQ node started from the Debian binaries, owned by the fixture, for tests that stop and restart a
/// broker (never the shared node on 5672). It runs as the test's user with its own node name, AMQP and distribution
/// ports, Erlang cookie, data (mnesia) and log directories, configuration and (empty) plugin list, all in a temporary
/// directory; it registers with the machine's epmd under its own name. <see cref="StopAsync"/> stops it
/// (<c>rabbitmqctl -n node stop</c>); <see cref="StartAsync"/> starts it again on the same ports and data, so durable
/// queues and their persistent messages come back.
/// </summary>
/// <remarks>
/// <c>eng/brokers.sh</c> starts the shared node through Debian's <c>/usr/sbin/rabbitmq-server</c> wrapper, which switches
/// to the <c>rabbitmq</c> user and its <c>/var/lib/rabbitmq</c>; this fixture calls the scripts behind it
/// (<c>/usr/lib/rabbitmq/bin</c>) directly with <c>HOME</c> set to its directory, so it needs no other user and shares
/// nothing with the shared node but epmd. When the package is missing, <see cref="InitializeAsync"/> throws
/// <see cref="BrokerUnavailableException"/> naming eng/brokers.sh.
/// </remarks>
public sealed class RabbitMqNode : IAsyncLifetime
{
    /// <summary>The scripts of Debian's rabbitmq-server package.</summary>
    public const string BinDirectory = "/usr/lib/rabbitmq/bin";

    /// <summary>How long a start may take before the fixture gives up (a boot takes 3–10 s on the build machines).</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    /// <summary>How long one <c>rabbitmqctl</c> call may take.</summary>
    private static readonly TimeSpan CtlTimeout = TimeSpan.FromSeconds(30);

    private readonly string _directory;
    private readonly Dictionary<string, string> _environment;
    private Process? _server;

    /// <summary>Creates the fixture: names, ports and the temporary directory; nothing runs until <see cref="InitializeAsync"/>.</summary>
    public RabbitMqNode()
    {
        _directory = Directory.CreateTempSubdirectory("messaging-tracing-rabbitmq-").FullName;
        Port = FreePort.Next();
        DistributionPort = FreePort.Next();
        NodeName = $"mt-{Guid.NewGuid().ToString("N")[..12]}@localhost";
        string port = Port.ToString(CultureInfo.InvariantCulture);
        File.WriteAllText(Path.Combine(_directory, "rabbitmq.conf"), $"listeners.tcp.default = {port}\n");
        File.WriteAllText(Path.Combine(_directory, "enabled_plugins"), "[].\n");
        File.WriteAllText(Path.Combine(_directory, "rabbitmq-env.conf"), string.Empty);
        string cookie = Path.Combine(_directory, ".erlang.cookie");
        File.WriteAllText(cookie, Guid.NewGuid().ToString("N").ToUpperInvariant());
        if (!OperatingSystem.IsWindows())
        {
            // Erlang refuses a cookie others can read.
            File.SetUnixFileMode(cookie, UnixFileMode.UserRead);
        }
        _environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["HOME"] = _directory,
            ["RABBITMQ_NODENAME"] = NodeName,
            ["RABBITMQ_NODE_PORT"] = port,
            ["RABBITMQ_DIST_PORT"] = DistributionPort.ToString(CultureInfo.InvariantCulture),
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(_directory, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(_directory, "log"),
            ["RABBITMQ_CONFIG_FILE"] = Path.Combine(_directory, "rabbitmq.conf"),
            ["RABBITMQ_ADVANCED_CONFIG_FILE"] = Path.Combine(_directory, "advanced.config"),
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(_directory, "enabled_plugins"),
            ["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(_directory, "rabbitmq-env.conf"),
            ["RABBITMQ_PID_FILE"] = Path.Combine(_directory, "rabbitmq.pid"),
        };
    }

    /// <summary>Gets the Erlang node name (<c>mt-…@localhost</c>).</summary>
    public string NodeName { get; }

    /// <summary>Gets the AMQP port (the same across restarts).</summary>
    public int Port { get; }

    /// <summary>Gets the Erlang distribution port.</summary>
    public int DistributionPort { get; }

    /// <summary>Gets the AMQP URI of the node (guest/guest, from localhost only).</summary>
    public Uri Uri => new($"amqp://guest:guest@localhost:{Port}/");

    /// <summary>Starts the node and waits until it has booted.</summary>
    /// <returns>A task that completes when the node accepts connections.</returns>
    /// <exception cref="BrokerUnavailableException">RabbitMQ is not installed or does not boot.</exception>
    public Task InitializeAsync() => StartAsync();

    /// <summary>Starts the node (again) with the same ports and data and waits (<c>rabbitmqctl await_startup</c>) until it has booted.</summary>
    /// <returns>How long the start took.</returns>
    /// <exception cref="BrokerUnavailableException">RabbitMQ is not installed or does not boot within <see cref="StartTimeout"/>.</exception>
    public async Task<TimeSpan> StartAsync()
    {
        string server = Path.Combine(BinDirectory, "rabbitmq-server");
        if (!File.Exists(server))
        {
            throw new BrokerUnavailableException($"{server} is missing: install RabbitMQ with eng/brokers.sh (Debian package rabbitmq-server).");
        }

        var stopwatch = Stopwatch.StartNew();
        var start = new ProcessStartInfo(server)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _directory,
        };
        foreach (KeyValuePair<string, string> variable in _environment)
        {
            start.Environment[variable.Key] = variable.Value;
        }

        _server?.Dispose();
        _server = Process.Start(start) ?? throw new BrokerUnavailableException($"{server} did not start.");
        _server.OutputDataReceived += (_, _) => { };
        _server.ErrorDataReceived += (_, _) => { };
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();

        // await_startup fails at once while the new node has not registered with epmd yet: ask again until the deadline.
        string last = string.Empty;
        try
        {
            await Wait.UntilAsync(
                async () =>
                {
                    (int code, string output) = await CtlAsync("await_startup", "--timeout", "10").ConfigureAwait(false);
                    last = output;
                    return code == 0;
                },
                StartTimeout,
                $"RabbitMQ node {NodeName}").ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new BrokerUnavailableException($"RabbitMQ node {NodeName} did not boot within {StartTimeout.TotalSeconds:0} s: {last} Logs: {Path.Combine(_directory, "log")}.", ex);
        }

        return stopwatch.Elapsed;
    }

    /// <summary>Stops the node (<c>rabbitmqctl -n node stop</c>: the Erlang VM exits) and waits until its start script has returned.</summary>
    /// <returns>A task that completes when the node is down.</returns>
    /// <exception cref="InvalidOperationException">rabbitmqctl stop failed.</exception>
    public async Task StopAsync()
    {
        (int code, string output) = await CtlAsync("stop").ConfigureAwait(false);
        if (code != 0)
        {
            throw new InvalidOperationException($"rabbitmqctl -n {NodeName} stop failed ({code}): {output}");
        }

        if (_server is { } process)
        {
            using var exited = new System.Threading.CancellationTokenSource(CtlTimeout);
            await process.WaitForExitAsync(exited.Token).ConfigureAwait(false);
        }
    }

    /// <summary>Stops the node (killing its VM if the stop fails) and deletes its directory.</summary>
    /// <returns>A task that completes when it is gone.</returns>
    public async Task DisposeAsync()
    {
        try
        {
            await CtlAsync("stop").ConfigureAwait(false);
        }
        finally
        {
            KillLeftover();
            _server?.Dispose();
            _server = null;
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temporary directory is harmless.
            }
        }
    }

    private Task<(int ExitCode, string Output)> CtlAsync(params string[] arguments)
    {
        var all = new List<string> { "-q", "-n", NodeName };
        all.AddRange(arguments);
        return CommandLine.RunAsync(Path.Combine(BinDirectory, "rabbitmqctl"), all, _environment, CtlTimeout);
    }

    /// <summary>The Erlang VM whose pid the node wrote, if it still runs after a failed stop.</summary>
    private void KillLeftover()
    {
        string pidFile = _environment["RABBITMQ_PID_FILE"];
        if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
        {
            try
            {
                using Process vm = Process.GetProcessById(pid);
                if (vm.ProcessName.StartsWith("beam", StringComparison.Ordinal))
                {
                    vm.Kill();
                }
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
        }

        if (_server is { HasExited: false } script)
        {
            script.Kill(entireProcessTree: true);
        }
    }
}
