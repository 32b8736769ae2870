using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading.Tasks;
using Xunit;

namespace Messaging.Tracing.Brokers;

/// <summary>
/// A dedicated PostgreSQL server owned by the fixture, for tests that stop and restart a server (never the shared one on
/// 5432, which other test processes use): a new cluster (<c>initdb</c>) in a temporary directory, a free port, trust
/// authentication on 127.0.0.1 only. <see cref="StopAsync"/> shuts it down (<c>pg_ctl stop -m fast</c>: the connections
/// are cut, committed work stays); <see cref="StartAsync"/> starts it again on the same port and data.
/// </summary>
/// <remarks>
/// The binaries come from Debian's <c>postgresql-15</c> package that <c>eng/brokers.sh</c> installs (<see cref="BinDirectory"/>);
/// when they are missing, <see cref="InitializeAsync"/> throws <see cref="BrokerUnavailableException"/>. PostgreSQL refuses
/// to run as root: when the tests run as root, the cluster belongs to, and the server runs as, the <c>postgres</c> user
/// (through <c>runuser</c>).
/// </remarks>
public sealed class PostgresServer : IAsyncLifetime
{
    /// <summary>Where Debian's PostgreSQL 15 binaries are.</summary>
    public const string BinDirectory = "/usr/lib/postgresql/15/bin";

    /// <summary>The operating-system user the server runs as when the tests run as root.</summary>
    private const string ServiceUser = "postgres";

    /// <summary>How long <c>initdb</c>, a start or a stop may take.</summary>
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    private readonly string _directory;
    private bool _running;

    /// <summary>Creates the fixture: a free port and a new temporary directory; nothing runs until <see cref="InitializeAsync"/>.</summary>
    public PostgresServer()
    {
        Port = FreePort.Next();
        _directory = Directory.CreateTempSubdirectory("messaging-tracing-postgres-").FullName;
    }

    /// <summary>Gets the port the server listens on (the same across restarts).</summary>
    public int Port { get; }

    /// <summary>
    /// Gets an Npgsql connection string for the server's <c>postgres</c> database as the <c>postgres</c> role, with short
    /// connect and command timeouts so a call made while the server is down fails fast.
    /// </summary>
    public string ConnectionString => string.Create(CultureInfo.InvariantCulture, $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Timeout=3;Command Timeout=10");

    /// <summary>Gets a value indicating whether the server was started and not stopped since.</summary>
    public bool IsRunning => _running;

    private string DataDirectory => Path.Combine(_directory, "data");

    private string LogFile => Path.Combine(_directory, "postgres.log");

    private static bool AsRoot => Environment.UserName == "root";

    /// <summary>Creates the cluster and starts the server.</summary>
    /// <returns>A task that completes when the server accepts connections.</returns>
    /// <exception cref="BrokerUnavailableException">PostgreSQL is not installed, or the cluster cannot be created or started.</exception>
    public async Task InitializeAsync()
    {
        string initdb = Path.Combine(BinDirectory, "initdb");
        if (!File.Exists(initdb))
        {
            throw new BrokerUnavailableException($"{initdb} is missing: install PostgreSQL 15 with eng/brokers.sh (Debian package postgresql-15).");
        }

        if (AsRoot)
        {
            await RunAsync("chown", [ServiceUser + ":" + ServiceUser, _directory], asServiceUser: false).ConfigureAwait(false);
        }

        await RunAsync(initdb, ["-D", DataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"], asServiceUser: AsRoot).ConfigureAwait(false);
        await StartAsync().ConfigureAwait(false);
    }

    /// <summary>Starts the server (again) on the same port and data directory and waits until it accepts connections.</summary>
    /// <returns>How long the start took.</returns>
    /// <exception cref="InvalidOperationException">It is already running.</exception>
    /// <exception cref="BrokerUnavailableException">It does not start within the timeout.</exception>
    public async Task<TimeSpan> StartAsync()
    {
        if (_running)
        {
            throw new InvalidOperationException($"PostgreSQL on port {Port} is already running.");
        }

        var stopwatch = Stopwatch.StartNew();
        string options = string.Create(CultureInfo.InvariantCulture, $"-p {Port} -c listen_addresses=127.0.0.1 -k {_directory}");
        await RunAsync(Path.Combine(BinDirectory, "pg_ctl"), ["-D", DataDirectory, "-l", LogFile, "-o", options, "-w", "-t", "60", "start"], AsRoot).ConfigureAwait(false);
        _running = true;
        return stopwatch.Elapsed;
    }

    /// <summary>Shuts the server down (fast mode: open connections are cut, committed work stays) and waits until it is gone.</summary>
    /// <returns>A task that completes when the server has stopped.</returns>
    public async Task StopAsync()
    {
        if (!_running)
        {
            return;
        }

        await RunAsync(Path.Combine(BinDirectory, "pg_ctl"), ["-D", DataDirectory, "-m", "fast", "-w", "-t", "60", "stop"], AsRoot).ConfigureAwait(false);
        _running = false;
    }

    /// <summary>Stops the server and deletes its directory.</summary>
    /// <returns>A task that completes when it is gone.</returns>
    public async Task DisposeAsync()
    {
        try
        {
            await StopAsync().ConfigureAwait(false);
        }
        finally
        {
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

    private async Task RunAsync(string file, IReadOnlyList<string> arguments, bool asServiceUser)
    {
        string command = asServiceUser ? "runuser" : file;
        List<string> all = asServiceUser ? ["-u", ServiceUser, "--", file, .. arguments] : [.. arguments];
        (int exitCode, string output) = await CommandLine.RunAsync(command, all, new Dictionary<string, string>(), CommandTimeout).ConfigureAwait(false);
        if (exitCode != 0)
        {
            string log = File.Exists(LogFile) ? File.ReadAllText(LogFile) : "(no server log)";
            throw new BrokerUnavailableException($"{Path.GetFileName(file)} {string.Join(' ', arguments)} failed with exit code {exitCode} (PostgreSQL on port {Port}):{Environment.NewLine}{output}{Environment.NewLine}{log}");
        }
    }
}
