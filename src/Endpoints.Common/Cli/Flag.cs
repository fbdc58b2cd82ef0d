namespace Endpoints.Common.Cli;

/// <summary>
/// A command-line flag and the configuration key it sets; repeatable flags fill <c>Key:0</c>, <c>Key:1</c>...
/// A switch takes no value and sets <c>true</c>; <see cref="Commands"/>, when given, are the only commands it belongs to.
/// </summary>
public sealed record Flag(string Name, string Key, bool Repeatable = false, bool Switch = false, IReadOnlyList<string>? Commands = null);
