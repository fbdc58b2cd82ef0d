namespace Endpoints.Proxy.Tunneling;

/// <summary>Where a client asked to go: the name (or IP literal) and port the policy judges, and the port we dial.</summary>
internal sealed record Destination(string Host, int PolicyPort, int DialPort);
