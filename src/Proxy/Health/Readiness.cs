namespace Endpoints.Proxy.Health;

/// <summary>Whether the proxy takes new connections; false from the moment draining starts.</summary>
internal sealed class Readiness
{
    private volatile bool _ready;

    public bool IsReady => _ready;

    public void Ready() => _ready = true;

    public void Drain() => _ready = false;
}
