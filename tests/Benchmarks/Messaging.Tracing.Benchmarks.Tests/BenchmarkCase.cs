using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace Messaging.Tracing.Benchmarks.Tests;

/// <summary>One benchmark class (closed over its generic arguments) with one value for each of its parameters.</summary>
public sealed class BenchmarkCase
{
    private BenchmarkCase(Type type, IReadOnlyList<(PropertyInfo Property, object? Value)> parameters)
    {
        Type = type;
        Parameters = parameters;
    }

    public Type Type { get; }

    public IReadOnlyList<(PropertyInfo Property, object? Value)> Parameters { get; }

    /// <summary>Every class of the benchmark assembly that has [Benchmark] methods, with every combination of its parameters.</summary>
    public static IEnumerable<BenchmarkCase> All()
    {
        foreach (Type type in typeof(BenchmarkConfig).Assembly.GetTypes().Where(IsBenchmarkClass))
        {
            IEnumerable<Type> closed = type.IsGenericTypeDefinition
                ? type.GetCustomAttributes<GenericTypeArgumentsAttribute>().Select(a => type.MakeGenericType(a.GenericTypeArguments))
                : [type];
            foreach (Type concrete in closed)
            {
                foreach (IReadOnlyList<(PropertyInfo, object?)> combination in Combinations(concrete))
                {
                    yield return new BenchmarkCase(concrete, combination);
                }
            }
        }
    }

    public override string ToString() =>
        Parameters.Count == 0 ? Name(Type) : $"{Name(Type)}({string.Join(", ", Parameters.Select(p => $"{p.Property.Name}={p.Value}"))})";

    private static bool IsBenchmarkClass(Type type) =>
        type is { IsClass: true, IsAbstract: false }
        && type.GetMethods().Any(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null);

    private static IEnumerable<IReadOnlyList<(PropertyInfo, object?)>> Combinations(Type type)
    {
        IEnumerable<IReadOnlyList<(PropertyInfo, object?)>> combinations = [[]];
        foreach (PropertyInfo property in type.GetProperties())
        {
            object?[]? values = property.GetCustomAttribute<ParamsAttribute>()?.Values
                ?? (property.GetCustomAttribute<ParamsAllValuesAttribute>() is not null ? AllValues(property.PropertyType) : null);
            if (values is not null)
            {
                combinations = combinations.SelectMany(c => values.Select(v => (IReadOnlyList<(PropertyInfo, object?)>)[.. c, (property, v)])).ToList();
            }
        }

        return combinations;
    }

    private static object?[] AllValues(Type type) => type == typeof(bool) ? [false, true] : Enum.GetValues(type).Cast<object?>().ToArray();

    private static string Name(Type type) => type.IsGenericType
        ? $"{type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)]}<{string.Join(", ", type.GetGenericArguments().Select(Name))}>"
        : type.Name;
}
