using Xunit;

// The sample collects every span of the process (SpanCollector with CaptureAll: Kestrel's and the consumers' threads do
// not inherit a test's async flow), so two apps running at once would see each other's spans: one test at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
