namespace Endpoints.Testing;

/// <summary>
/// Starts a service the way systemd starts a hardened <c>Type=notify</c> unit, as far as the service can tell: with a
/// <c>NOTIFY_SOCKET</c> the test owns and a parent it cannot recognise (under <c>ProtectProc=invisible</c> PID 1 is
/// hidden from it). The parent is coreutils' <c>timeout 0</c>: no limit; it forwards SIGTERM to the service and waits.
/// </summary>
public sealed class SystemdStandIn : IDisposable
{
    private int _servicePid;

    private SystemdStandIn(NotifySocket notify, ExternalProcess parent)
    {
        Notify = notify;
        Parent = parent;
    }

    public NotifySocket Notify { get; }

    /// <summary>The stand-in for systemd; its output is the service's, and a SIGTERM to it reaches the service.</summary>
    public ExternalProcess Parent { get; }

    /// <summary>The service's own PID, the stand-in's only child.</summary>
    public int ServicePid
    {
        get
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (_servicePid == 0)
            {
                var children = File.ReadAllText($"/proc/{Parent.Id}/task/{Parent.Id}/children").Trim();
                if (children.Length > 0)
                {
                    _servicePid = int.Parse(children.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
                    break;
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new InvalidOperationException("the service did not start:\n" + Parent.Output);
                }

                Thread.Sleep(10);
            }

            return _servicePid;
        }
    }

    /// <summary>Waits for <c>READY=1</c>; returns the messages up to it and the ports the service had bound at that moment.</summary>
    public async Task<(List<string> Messages, HashSet<string> BoundAtReady)> WaitForReadyAsync(TimeSpan timeout)
    {
        var messages = await Notify.WaitForAsync("READY=1", timeout);
        return (messages, ProcessSockets.Bound(ServicePid));
    }

    /// <summary>SIGTERM, as <c>systemctl stop</c> sends it; returns the messages up to <c>STOPPING=1</c>.</summary>
    public Task<List<string>> StopAsync(TimeSpan timeout)
    {
        Parent.Signal(Signals.SIGTERM);
        return Notify.WaitForAsync("STOPPING=1", timeout);
    }

    public static SystemdStandIn Start(string fileName, IEnumerable<string> arguments)
    {
        var notify = new NotifySocket();
        var parent = new ExternalProcess(Tools.Require("timeout"), ["--preserve-status", "0", Tools.Require(fileName), .. arguments],
            environment: new Dictionary<string, string> { ["NOTIFY_SOCKET"] = notify.Path });
        return new SystemdStandIn(notify, parent);
    }

    public void Dispose()
    {
        // Kills the stand-in's whole tree, the service with it.
        Parent.Dispose();
        Notify.Dispose();
    }
}
