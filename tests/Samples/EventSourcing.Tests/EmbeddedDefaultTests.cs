using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Xunit;

namespace EventSourcing.Tests;

/// <summary>The main job users try first: the sample on its embedded defaults, no broker needed.</summary>
public sealed class EmbeddedDefaultTests
{
    [Fact]
    public async Task The_scripted_scenario_completes_in_process_and_prints_one_story_per_request()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        int exitCode = await SampleProgram.RunScriptAsync(
            SampleConfiguration.ProgramDefaults("--Sample:SlowProjectionDelayMs=0"),
            output,
            error,
            new SampleAppOptions { ConfigureLogging = logging => logging.ClearProviders() });

        string text = output.ToString();
        Assert.True(exitCode == 0, $"exit code {exitCode}\n{error}\n{text}");
        Assert.Contains("All asynchronous work done after", text, StringComparison.Ordinal);
        Assert.Contains("11 requests, 108 spans in 19 traces.", text, StringComparison.Ordinal);
        Assert.Equal(SampleOutput.Normalize(ExpectedTrees.RegistrationAfterReplay(string.Empty)), SampleOutput.CausalTree(text, 1));
        Assert.Equal(SampleOutput.Normalize(ExpectedTrees.FeaturingReviewAfterReplay(string.Empty)), SampleOutput.CausalTree(text, 5));
        Assert.Equal("GET /bands/{id} (server)", SampleOutput.CausalTree(text, 8));
        Assert.Contains("Rammstein: 3 reviews, average 4.67, featured (3 reviews averaging 4.67)", text, StringComparison.Ordinal);
        Assert.Contains("Nickelback: 2 reviews, average 2.50, not featured", text, StringComparison.Ordinal);
        Assert.Contains("replayed 8 events into review-stats", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_built_program_runs_the_scenario_on_its_own_and_exits_0()
    {
        string program = Path.Combine(SampleBinDirectory(), "EventSourcing.dll");
        Assert.True(File.Exists(program), $"{program} was not built.");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            ArgumentList = { program },
            WorkingDirectory = Path.GetDirectoryName(program)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string variable in new[] { "RABBITMQ_URI", "REDIS_CONNECTION", "KAFKA_BOOTSTRAP_SERVERS", "OTEL_EXPORTER_OTLP_ENDPOINT", "ASPNETCORE_URLS" })
        {
            start.Environment.Remove(variable); // the embedded default: whatever the test run points at is not for it
        }

        foreach (string variable in start.Environment.Keys.Where(k => k.StartsWith("Sample__", StringComparison.OrdinalIgnoreCase)).ToArray())
        {
            start.Environment.Remove(variable);
        }

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"The sample did not exit within 120 s.\n{await stdout}\n{await stderr}");
        }

        string text = await stdout;
        Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}\n{await stderr}\n{text}");
        Assert.Equal(SampleOutput.Normalize(ExpectedTrees.FeaturingReviewAfterReplay(string.Empty)), SampleOutput.CausalTree(text, 5));
        Assert.Contains("=> SpanId:", await stderr, StringComparison.Ordinal); // logs carry span and trace ids
    }

    /// <summary>The sample's own output directory (same configuration as this test assembly), where its program runs from.</summary>
    private static string SampleBinDirectory()
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string framework = testBin.Name;
        string configuration = testBin.Parent!.Name;
        DirectoryInfo? root = testBin;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Messaging.Tracing.sln")))
        {
            root = root.Parent;
        }

        Assert.NotNull(root);
        return Path.Combine(root.FullName, "samples", "EventSourcing", "bin", configuration, framework);
    }
}
