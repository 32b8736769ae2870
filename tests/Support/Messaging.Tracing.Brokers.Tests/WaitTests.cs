using System;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Messaging.Tracing.Brokers.Tests;

public sealed class WaitTests
{
    [Fact]
    public async Task Returns_once_the_condition_holds()
    {
        int checks = 0;

        await Wait.UntilAsync(() => Interlocked.Increment(ref checks) >= 3, TimeSpan.FromSeconds(5), "the third check");

        Assert.Equal(3, checks);
    }

    [Fact]
    public async Task Async_condition_is_awaited()
    {
        int checks = 0;

        await Wait.UntilAsync(async () => await Task.FromResult(++checks == 2), TimeSpan.FromSeconds(5), "the second check");

        Assert.Equal(2, checks);
    }

    [Fact]
    public async Task Times_out_naming_what_was_awaited()
    {
        var error = await Assert.ThrowsAsync<TimeoutException>(
            () => Wait.UntilAsync(() => false, TimeSpan.FromMilliseconds(100), "a message that never comes"));

        Assert.Contains("a message that never comes", error.Message, StringComparison.Ordinal);
    }
}
