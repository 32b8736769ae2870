using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
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
        Assert.Contains("Rammstein: 3 reviews, average 4.67, featured (3 reviews averaging 4.67)", text, StringComparison.Ordinal);
        Assert.Contains("Nickelback: 2 reviews, average 2.50, not featured", text, StringComparison.Ordinal);
        Assert.Contains("replayed 8 events into review-stats", text, StringComparison.Ordinal);

        // Each request's story is what happened in it: the registration and the featuring review without the later replay.
        Assert.Equal(SampleOutput.Normalize(ExpectedTrees.Registration(string.Empty)), SampleOutput.CausalTree(text, 1));
        Assert.Equal(SampleOutput.Normalize(ExpectedTrees.FeaturingReview(string.Empty)), SampleOutput.CausalTree(text, 5));
        Assert.Equal("GET /bands/{id} (server)", SampleOutput.CausalTree(text, 8));

        // The replay's new traces are drawn in the replay's story, in the order it read the events, each noted with the
        // request whose append it follows from; the stories of those requests say so, once each.
        Assert.Equal(
            SampleOutput.Normalize(ExpectedTrees.Replay("BandRegistered", "BandRegistered", "ReviewAdded", "ReviewAdded", "ReviewAdded", "BandFeatured", "ReviewAdded", "ReviewAdded")),
            SampleOutput.CausalTree(text, 10));
        int[] followed = SampleOutput.Timeline(text, 10).Rows
            .Select(row => Regex.Match(row, @"\[linked\] .*← follows from append band-\{id\} in request (\d+)$"))
            .Where(match => match.Success)
            .Select(match => int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture))
            .ToArray();
        Assert.Equal([1, 2, 3, 4, 5, 5, 6, 7], followed);
        for (int request = 1; request <= 7; request++)
        {
            string later = request == 5
                ? "↪ Later, request 10 started 2 new traces that follow from append band-{id} here (drawn there)."
                : "↪ Later, request 10 started a new trace that follows from append band-{id} here (drawn there).";
            Assert.Equal(later, Assert.Single(SampleOutput.Story(text, request), l => l.StartsWith('↪')));
        }

        // Every story's time axis: each span with a bar within the frame and a duration.
        for (int request = 1; request <= 11; request++)
        {
            (string[] rows, int frame) = SampleOutput.Timeline(text, request);
            Assert.NotEmpty(rows);
            Assert.All(rows, row => Assert.Matches(@"^│ *█+ *│ +(\d+ µs|\d+(\.\d)? ms)", row[frame..]));
        }

        // The legend explains every mark the stories use.
        string legend = string.Join('\n', text.Split('\n').SkipWhile(l => !l.StartsWith("How to read", StringComparison.Ordinal)).TakeWhile(l => l.Length > 0));
        foreach (string mark in new[] { "├── └──", "├┄┄ └┄┄", "[linked]", "↪ Later", "│  ███    │ 2.5 ms" })
        {
            Assert.Contains("  " + mark, legend, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("[new trace]", text, StringComparison.Ordinal);
        Assert.DoesNotContain('✗', text);

        // Once, after request 1's story: the stored metadata of its event, tied to the story, and one span's attributes.
        string[] lines = text.Split('\n');
        int closer = Assert.Single(Enumerable.Range(0, lines.Length), i => lines[i].StartsWith("── A closer look at request 1 ", StringComparison.Ordinal));
        Assert.True(closer > Array.FindIndex(lines, l => l.StartsWith("══ Request 1: ", StringComparison.Ordinal)));
        Assert.True(closer < Array.FindIndex(lines, l => l.StartsWith("══ Request 2: ", StringComparison.Ordinal)));
        string look = string.Join('\n', lines.Skip(closer).TakeWhile(l => !l.StartsWith("══ ", StringComparison.Ordinal)));
        string trace = Regex.Match(SampleOutput.Story(text, 1)[1], "^trace ([0-9a-f]{32}) ").Groups[1].Value;
        // System.Diagnostics.DiagnosticSource 11 (OpenTelemetry 1.21) sets the random trace id flag on the trace ids it makes.
        string flags = Enum.IsDefined((ActivityTraceFlags)0x02) ? "03: sampled, random trace id" : "01: sampled";
        Assert.Matches($@"\n  traceparent +00-{trace}-[0-9a-f]{{16}}-{flags[..2]}\n +(= version 00 · trace id: request 1's trace · span id: its span append band-\{{id\}} · flags {flags})\n", look);
        Assert.Matches(@"\n  correlation-id +[0-9a-f-]{36}\n += app\.correlation_id of POST /bands: ", look);
        Assert.Matches(@"\n  causation-id +[0-9a-f-]{36}\n += messaging\.message\.id of send band-commands: the command that caused the event\n", look);
        Assert.Matches($@"\n  trace id +{trace}\n", look);
        Assert.Matches(@"\n  references +CHILD_OF [0-9a-f]{16} \(send band-events\): its parent\n +FOLLOWS_FROM [0-9a-f]{16} \(send band-events\): a link with opentracing\.ref_type=follows_from\n", look);
        foreach (string attribute in new[] { "messaging.system +kafka", "messaging.operation.type +process", "messaging.destination.name +band-events", "messaging.consumer.group.name +band-catalog" })
        {
            Assert.Matches($@"\n +(attributes +)?{attribute}(\n|$)", look);
        }

        // After the stories, the metrics per destination: the 8 events appended under their stream template (never a
        // band's own stream), the commands and the events consumed, with the processing's percentiles.
        Assert.True(
            Array.FindIndex(lines, l => l.StartsWith("══ Metrics per destination ", StringComparison.Ordinal)) > Array.FindIndex(lines, l => l.StartsWith("══ Request 11: ", StringComparison.Ordinal)),
            "the metrics summary follows the stories");
        string[] appends = Assert.IsType<string[]>(SampleOutput.MetricsRow(text, "eventstore", "band-{id} (template)"));
        Assert.Equal("8", appends[2]);
        Assert.Equal("8", Assert.IsType<string[]>(SampleOutput.MetricsRow(text, "eventstore", "review-stats"))[3]);
        foreach ((string system, string destination) in new[] { ("eventstore", "review-stats"), ("in_memory", "band-commands"), ("kafka", "band-events") })
        {
            string[] row = Assert.IsType<string[]>(SampleOutput.MetricsRow(text, system, destination));
            Assert.True(int.Parse(row[3], CultureInfo.InvariantCulture) > 0, $"{system} {destination} consumed nothing: {string.Join(" | ", row)}");
            Assert.Matches(@"^[0-9.]+ (µs|ms|s) / [0-9.]+ (µs|ms|s)$", row[4]);
        }

        Assert.Equal(
            ["band-{id} (template)", "review-stats"],
            SampleOutput.MetricsRows(text).Where(row => row[0] == "eventstore").Select(row => row[1]));
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
        Assert.Equal(SampleOutput.Normalize(ExpectedTrees.FeaturingReview(string.Empty)), SampleOutput.CausalTree(text, 5));
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
