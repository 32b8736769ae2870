using System;
using BenchmarkDotNet.Running;
using Messaging.Tracing.Benchmarks;
using Messaging.Tracing.Benchmarks.Throughput;

// `throughput [options]` runs the end-to-end harness; anything else goes to BenchmarkDotNet (e.g. --filter '*Carrier*').
if (args.Length > 0 && string.Equals(args[0], "throughput", StringComparison.OrdinalIgnoreCase))
{
    return await ThroughputHarness.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(BenchmarkConfig).Assembly).Run(args, BenchmarkConfig.Create());
return 0;
