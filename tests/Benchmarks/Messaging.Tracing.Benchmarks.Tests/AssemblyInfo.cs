using Xunit;

// Benchmark cases start process-wide activity listeners and tracer providers: one case at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
