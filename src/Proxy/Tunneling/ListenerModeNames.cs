namespace Endpoints.Proxy.Tunneling;

/// <summary>A listener mode's word in the log, the metric tags and the listener's start line.</summary>
internal static class ListenerModeNames
{
    public static string Name(this ListenerMode mode) => mode switch
    {
        ListenerMode.Connect => "connect",
        ListenerMode.Tls => "tls",
        _ => "http",
    };
}
