using System;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Core;
using Xunit.Abstractions;

namespace Messaging.Tracing.Tests.PropertyTesting;

/// <summary>
/// Runs one property over generated inputs: <c>MESSAGING_TRACING_PROPERTY_RUNS</c> of them (10,000 when unset, the CI
/// slice), from a fixed seed unless <c>MESSAGING_TRACING_PROPERTY_SEED</c> names another, and writes one
/// <c>REPORT properties</c> line with the count, the seed and the time taken. A failure names the seed and the input.
/// </summary>
internal static class PropertyRun
{
    /// <summary>Inputs per property in the CI slice.</summary>
    public const int DefaultRuns = 10_000;

    /// <summary>The CI slice's seed: the same inputs on every run.</summary>
    public const ulong DefaultSeed = 20_261_121;

    /// <summary>Largest FsCheck size: generated collections grow up to this many elements over a run.</summary>
    private const int EndSize = 200;

    public static int Runs { get; } = ReadRuns();

    public static ulong Seed { get; } = ReadSeed();

    /// <summary>Checks <paramref name="property"/> on every input <paramref name="inputs"/> generates; throws on the first failure.</summary>
    public static void Check<T>(ITestOutputHelper output, string parser, string property, Gen<T> inputs, Action<T> check)
    {
        long tried = 0;
        Action<T> counted = input =>
        {
            Interlocked.Increment(ref tried);
            check(input);
        };

        Config config = Config.QuickThrowOnFailure
            .WithMaxTest(Runs)
            .WithEndSize(EndSize)
            .WithQuietOnSuccess(true)
            .WithName($"{parser} {property}")
            .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(Seed), FSharpOption<int>.None)));

        var stopwatch = Stopwatch.StartNew();
        try
        {
            FsCheck.Check.One(config, Prop.ForAll(inputs.ToArbitrary(), counted));
        }
        finally
        {
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"REPORT properties parser={parser} property={property} inputs={tried} seed={Seed} ms={stopwatch.ElapsedMilliseconds}"));
        }
    }

    private static int ReadRuns()
    {
        string? value = Environment.GetEnvironmentVariable("MESSAGING_TRACING_PROPERTY_RUNS");
        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int runs) && runs > 0 ? runs : DefaultRuns;
    }

    private static ulong ReadSeed()
    {
        string? value = Environment.GetEnvironmentVariable("MESSAGING_TRACING_PROPERTY_SEED");
        return ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out ulong seed) ? seed : DefaultSeed;
    }
}
