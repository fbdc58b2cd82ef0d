namespace Endpoints.Proxy.Policy;

/// <summary>Parses one string of a policy list (a source, a destination) or says what is wrong with it.</summary>
internal delegate bool ItemParser<T>(string text, out T value, out string error);
