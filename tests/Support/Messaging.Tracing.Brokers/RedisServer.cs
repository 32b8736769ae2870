using System;
using System.Diagnostics;
using System.IO;
using System.Net.Sockets;
using System.Threading.Tasks;
using Xunit;

namespace Messaging.Tracing.Brokers;

/// <summary>
/// A dedicated <c>redis-server</c> owned by the fixture, for tests that kill and restart a server (never the shared one
/// on 6379): a free port, a temporary directory, append-only persistence fsynced on every write
/// (<c>--appendonly yes --appendfsync always</c>), not daemonized so the fixture holds its process.
/// <see cref="KillAsync"/> ends it with SIGKILL, as a crash would; <see cref="StartAsync"/> starts it again on the same
/// port and directory, where it reloads the append-only file.
/// </summary>
/// <remarks>
/// The binary comes from the Debian package <c>redis-server</c> that <c>eng/brokers.sh</c> installs; when it is missing,
/// <see cref="InitializeAsync"/> throws <see cref="BrokerUnavailableException"/>.
/// </remarks>
public sealed class RedisServer : IAsyncLifetime
{
    /// <summary>The server binary (Debian's redis-server package).</summary>
    public const string ServerPath = "/usr/bin/redis-server";

    /// <summary>How long a start may take before the fixture gives up.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);

    private readonly string _directory;
    private Process? _process;

    /// <summary>Creates the fixture: a free port and a new temporary directory; nothing runs until <see cref="InitializeAsync"/>.</summary>
    public RedisServer()
    {
        Port = FreePort.Next();
        _directory = Directory.CreateTempSubdirectory("messaging-tracing-redis-").FullName;
    }

    /// <summary>Gets the port the server listens on (the same across restarts).</summary>
    public int Port { get; }

    /// <summary>Gets the data directory (the append-only file lives here).</summary>
    public string DataDirectory => _directory;

    /// <summary>Gets a StackExchange.Redis configuration string for the server that keeps reconnecting while it is down.</summary>
    public string Configuration => $"127.0.0.1:{Port},abortConnect=false,connectRetry=5,connectTimeout=2000,syncTimeout=2000";

    /// <summary>Gets a value indicating whether the server process is running.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Starts the server and waits until it answers.</summary>
    /// <returns>A task that completes when the server accepts connections.</returns>
    /// <exception cref="BrokerUnavailableException">redis-server is not installed or does not start.</exception>
    public Task InitializeAsync() => StartAsync();

    /// <summary>Starts the server (again) on the same port and directory and waits until it answers PING.</summary>
    /// <returns>How long the start took.</returns>
    /// <exception cref="InvalidOperationException">It is already running.</exception>
    /// <exception cref="BrokerUnavailableException">redis-server is not installed or does not start within <see cref="StartTimeout"/>.</exception>
    public async Task<TimeSpan> StartAsync()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"redis-server on port {Port} is already running.");
        }

        if (!File.Exists(ServerPath))
        {
            throw new BrokerUnavailableException($"{ServerPath} is missing: install it with eng/brokers.sh (Debian package redis-server).");
        }

        var stopwatch = Stopwatch.StartNew();
        var start = new ProcessStartInfo(ServerPath)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _directory,
        };
        foreach (string argument in new[]
        {
            "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", _directory,
            "--appendonly", "yes", "--appendfsync", "always", "--save", string.Empty, "--daemonize", "no",
            "--logfile", Path.Combine(_directory, "redis.log"),
        })
        {
            start.ArgumentList.Add(argument);
        }

        Process process = Process.Start(start) ?? throw new BrokerUnavailableException($"{ServerPath} did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        try
        {
            await Wait.UntilAsync(() => Task.FromResult(!process.HasExited && Answers()), StartTimeout, $"redis-server on port {Port}").ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new BrokerUnavailableException($"redis-server on port {Port} did not answer within {StartTimeout.TotalSeconds:0} s; see {Path.Combine(_directory, "redis.log")}.", ex);
        }

        return stopwatch.Elapsed;
    }

    /// <summary>Kills the server with SIGKILL (no shutdown, no final save), as a crash would, and waits until it is gone.</summary>
    /// <returns>A task that completes when the process has exited.</returns>
    public async Task KillAsync()
    {
        Process? process = _process;
        if (process is null || process.HasExited)
        {
            return;
        }

        process.Kill();
        await process.WaitForExitAsync().ConfigureAwait(false);
    }

    /// <summary>Kills the server and deletes its directory.</summary>
    /// <returns>A task that completes when it is gone.</returns>
    public async Task DisposeAsync()
    {
        await KillAsync().ConfigureAwait(false);
        _process?.Dispose();
        _process = null;
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary directory is harmless.
        }
    }

    /// <summary>A RESP PING answered with +PONG.</summary>
    private bool Answers()
    {
        try
        {
            using var client = new TcpClient();
            client.Connect("127.0.0.1", Port);
            NetworkStream stream = client.GetStream();
            stream.ReadTimeout = 1000;
            stream.Write("*1\r\n$4\r\nPING\r\n"u8);
            byte[] reply = new byte[5];
            int read = stream.Read(reply, 0, reply.Length);
            return read >= 5 && reply.AsSpan(0, 5).SequenceEqual("+PONG"u8);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
