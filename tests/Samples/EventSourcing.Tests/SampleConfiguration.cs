using System.Collections.Generic;
using Microsoft.Extensions.Configuration;

namespace EventSourcing.Tests;

/// <summary>Configurations for starting the sample in-process: only what a test gives, never the environment's variables.</summary>
public static class SampleConfiguration
{
    public static IConfiguration From(IDictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    /// <summary>The program's own configuration (its appsettings.json) without environment variables, with overrides.</summary>
    public static IConfiguration ProgramDefaults(params string[] overrides) => SampleProgram.BuildConfiguration(overrides, environmentVariables: false);
}
