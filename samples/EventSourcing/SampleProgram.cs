using System;
using System.IO;
using System.Threading.Tasks;
using EventSourcing.Scenario;
using Microsoft.Extensions.Configuration;

namespace EventSourcing;

/// <summary>What <c>Program.cs</c> runs: reads the configuration, then runs the scripted scenario or serves.</summary>
public static class SampleProgram
{
    /// <summary>Runs the sample.</summary>
    /// <param name="args">Command-line arguments (<c>--Sample:Mode=serve</c>, …).</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(string[] args)
    {
        IConfiguration configuration = BuildConfiguration(args, environmentVariables: true);
        SampleSettings settings;
        try
        {
            settings = SampleSettings.From(configuration);
        }
        catch (InvalidOperationException ex)
        {
            await Console.Error.WriteLineAsync("Invalid configuration: " + ex.Message).ConfigureAwait(false);
            return 2;
        }

        if (settings.Mode == SampleMode.Script)
        {
            return await RunScriptAsync(configuration, Console.Out, Console.Error).ConfigureAwait(false);
        }

        SampleApp app = await SampleApp.StartAsync(configuration, new SampleAppOptions { CollectSpans = false }).ConfigureAwait(false);
        await using (app.ConfigureAwait(false))
        {
            await Console.Out.WriteLineAsync($"Serving the band reviews API at {app.BaseAddress} (Ctrl+C stops).").ConfigureAwait(false);
            await app.WaitForShutdownAsync().ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary>
    /// The configuration: <c>appsettings.json</c> next to the program, then environment variables (when asked for),
    /// then the command line; later sources win.
    /// </summary>
    /// <param name="args">Command-line arguments.</param>
    /// <param name="environmentVariables">Whether environment variables are read (tests leave them out).</param>
    /// <returns>The configuration.</returns>
    public static IConfiguration BuildConfiguration(string[] args, bool environmentVariables)
    {
        IConfigurationBuilder builder = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true, reloadOnChange: false);
        if (environmentVariables)
        {
            builder.AddEnvironmentVariables();
        }

        return builder.AddCommandLine(args).Build();
    }

    /// <summary>Starts the application with span collection, runs the scenario, prints the traces and stops.</summary>
    /// <param name="configuration">The configuration.</param>
    /// <param name="output">Where the steps and traces go.</param>
    /// <param name="error">Where failures are explained.</param>
    /// <param name="options">How to start the application; span collection is always on.</param>
    /// <returns>The exit code: 0 when the scenario completed.</returns>
    public static async Task<int> RunScriptAsync(IConfiguration configuration, TextWriter output, TextWriter error, SampleAppOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        options ??= new SampleAppOptions();
        options.CollectSpans = true;
        SampleApp app;
        try
        {
            app = await SampleApp.StartAsync(configuration, options).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            string cause = ex.GetBaseException() is { } inner && inner != ex ? $" ({inner.Message})" : string.Empty;
            await error.WriteLineAsync($"The sample could not start: {ex.Message}{cause}").ConfigureAwait(false);
            return 1;
        }

        await using (app.ConfigureAwait(false))
        {
            return await ScenarioRunner.RunAsync(app, output, error).ConfigureAwait(false);
        }
    }
}
