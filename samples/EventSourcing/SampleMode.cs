namespace EventSourcing;

/// <summary>What the program does once the application has started.</summary>
public enum SampleMode
{
    /// <summary>Runs the scripted scenario against its own HTTP API, prints every trace and exits (the default).</summary>
    Script = 0,

    /// <summary>Keeps serving the HTTP API until stopped (Ctrl+C, SIGTERM), for docker-compose and manual use.</summary>
    Serve = 1,
}
