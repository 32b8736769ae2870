using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Xunit;

namespace Messaging.Tracing.Benchmarks.Tests;

/// <summary>
/// Runs every benchmark method of every case once, in-process, as BenchmarkDotNet would call it (global setup, iteration
/// setup for its targets, the method, cleanups), without measuring anything: a benchmark that throws or no longer
/// builds fails here, in seconds, instead of in the middle of eng/bench.sh.
/// </summary>
public sealed class BenchmarkSmokeTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (BenchmarkCase benchmarkCase in BenchmarkCase.All())
        {
            data.Add(benchmarkCase.ToString());
        }

        return data;
    }

    [Fact]
    public void Every_benchmark_class_has_cases() =>
        Assert.True(BenchmarkCase.All().Count() >= 20, "the benchmark classes were not found");

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Every_benchmark_runs_once(string name)
    {
        BenchmarkCase benchmarkCase = BenchmarkCase.All().Single(c => c.ToString() == name);
        object instance = Activator.CreateInstance(benchmarkCase.Type)!;
        foreach ((PropertyInfo property, object? value) in benchmarkCase.Parameters)
        {
            property.SetValue(instance, value);
        }

        MethodInfo[] methods = benchmarkCase.Type.GetMethods();
        await InvokeAsync(instance, methods.Where(m => m.GetCustomAttribute<GlobalSetupAttribute>() is not null));
        try
        {
            foreach (MethodInfo benchmark in methods.Where(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null))
            {
                await InvokeAsync(instance, methods.Where(m => Targets(m.GetCustomAttribute<IterationSetupAttribute>(), benchmark)));
                await InvokeAsync(instance, [benchmark]);
                await InvokeAsync(instance, methods.Where(m => Targets(m.GetCustomAttribute<IterationCleanupAttribute>(), benchmark)));
            }
        }
        finally
        {
            await InvokeAsync(instance, methods.Where(m => m.GetCustomAttribute<GlobalCleanupAttribute>() is not null));
        }
    }

    private static bool Targets(TargetedAttribute? attribute, MethodInfo benchmark) =>
        attribute is not null && (attribute.Targets is not { Length: > 0 } targets || targets.Contains(benchmark.Name));

    private static async Task InvokeAsync(object instance, IEnumerable<MethodInfo> methods)
    {
        foreach (MethodInfo method in methods)
        {
            switch (method.Invoke(instance, null))
            {
                case Task task:
                    await task;
                    break;
                case ValueTask valueTask:
                    await valueTask;
                    break;
            }
        }
    }
}
