namespace Endpoints.Common.Cli;

/// <summary>A command-line flag and the configuration key it sets; repeatable flags fill <c>Key:0</c>, <c>Key:1</c>...</summary>
public sealed record Flag(string Name, string Key, bool Repeatable = false);
