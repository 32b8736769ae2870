using Xunit;

// Soak and restart tests load the two cores of a build machine and restart dedicated brokers: one test at a time, so
// the figures they report are their own and no other test sees a broker go away.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
