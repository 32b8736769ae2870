using System.Threading.Tasks;

namespace Messaging.Tracing.Benchmarks.Throughput;

/// <summary>A completion signal whose continuations never run on the completing (handler) thread.</summary>
public sealed class TaskCompletionSourceSlim
{
    private readonly TaskCompletionSource _source = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Gets the task that completes on <see cref="SetResult"/>.</summary>
    public Task Task => _source.Task;

    /// <summary>Completes the task (once; later calls do nothing).</summary>
    public void SetResult() => _source.TrySetResult();
}
