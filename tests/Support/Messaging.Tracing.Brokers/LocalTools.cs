namespace Messaging.Tracing.Brokers;

/// <summary>
/// The trait of tests that run programs of the machine besides the brokers: a server process of their own that they
/// kill and restart (<see cref="RedisServer"/>, <see cref="PostgresServer"/>, <see cref="RabbitMqNode"/>) or a foreign
/// producer (<see cref="PikaPublisher"/>), all from the Debian packages of <c>eng/brokers.sh</c>. Mark them
/// <c>[Trait(LocalTools.Trait, LocalTools.Value)]</c>; a machine without those programs (a laptop running the brokers
/// in containers) leaves them out with <c>dotnet test --filter "Needs!=local-tools"</c> (README, "Where the tests find
/// their brokers"). Without the filter they fail there, naming the missing program: never a silent skip.
/// </summary>
public static class LocalTools
{
    /// <summary>The trait's name: <c>Needs</c>.</summary>
    public const string Trait = "Needs";

    /// <summary>The trait's value: <c>local-tools</c>.</summary>
    public const string Value = "local-tools";
}
