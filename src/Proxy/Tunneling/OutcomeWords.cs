namespace Endpoints.Proxy.Tunneling;

/// <summary>
/// One row of the outcome table: the decision and end words of the log line and metric tags, the HTTP status
/// (CONNECT and Host modes; 0 closes without one), the TLS alert (TLS mode; 0 closes without one), and the
/// <c>proxy.errors</c> kind (null counts nothing).
/// </summary>
internal readonly record struct OutcomeWords(string Decision, string End, int Status, byte Alert, string? ErrorKind);
