using EventSourcing;

// Embedded default: runs the scripted scenario against its own HTTP API, prints every trace, exits.
// Sample:Mode=serve keeps serving instead. Configuration keys: README.md next to this file.
return await SampleProgram.RunAsync(args);
