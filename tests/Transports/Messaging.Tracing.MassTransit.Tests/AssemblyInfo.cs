using Xunit;

// Listening to MassTransit's or RabbitMQ.Client's sources is process-wide and switches the integration between
// bridging and its own spans; these tests therefore run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
