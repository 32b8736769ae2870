using System;

namespace EventSourcing.Scenario;

/// <summary>The scripted scenario did not end as expected (a wrong answer or read model).</summary>
public sealed class ScenarioFailedException : Exception
{
    public ScenarioFailedException()
    {
    }

    public ScenarioFailedException(string message)
        : base(message)
    {
    }

    public ScenarioFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
