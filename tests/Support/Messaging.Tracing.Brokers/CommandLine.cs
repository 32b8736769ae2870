using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Messaging.Tracing.Brokers;

/// <summary>Runs a command to completion, bounded by a timeout, and returns its exit code and output.</summary>
internal static class CommandLine
{
    /// <summary>Runs <paramref name="file"/> with <paramref name="arguments"/>; a run past the timeout is killed and reported as exit code -1.</summary>
    /// <param name="file">The executable.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="environment">Variables added to the inherited environment.</param>
    /// <param name="timeout">How long it may run.</param>
    /// <returns>The exit code (-1 on timeout) and the standard output and error, interleaved.</returns>
    public static async Task<(int ExitCode, string Output)> RunAsync(string file, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (KeyValuePair<string, string> variable in environment)
        {
            start.Environment[variable.Key] = variable.Value;
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            return (-1, Text(output) + $"{Environment.NewLine}(killed after {timeout.TotalSeconds:0} s)");
        }

        return (process.ExitCode, Text(output));
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
