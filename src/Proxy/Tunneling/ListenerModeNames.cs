namespace Endpoints.Proxy.Tunneling;

/// <summary>A listener mode's word in the log, the metric tags and the listener's start line.</summary>
internal static class ListenerModeNames
{
    public static string Name(this ListenerMode mode) => mode switch
    {
        ListenerMode.Connect => "connect",
        ListenerMode.ConnectTls => "connect-tls",
        ListenerMode.Tls => "tls",
        _ => "http",
    };

    /// <summary>Whether clients speak HTTP CONNECT on it, in the clear or inside TLS to the proxy.</summary>
    public static bool IsConnect(this ListenerMode mode) => mode is ListenerMode.Connect or ListenerMode.ConnectTls;
}
