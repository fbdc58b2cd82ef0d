using Microsoft.Extensions.Hosting.Systemd;

namespace Endpoints.Common.Hosting;

/// <summary>
/// What systemd asks of the service, read from the variables it sets. Microsoft.Extensions.Hosting.Systemd's own test
/// (<see cref="SystemdHelpers.IsSystemdService"/>) reads the parent's name from /proc/PPID/comm, which a hardened unit
/// cannot see: with <c>ProtectProc=invisible</c> PID 1 is hidden, so the test says "not systemd", READY=1 is never
/// sent, and systemd kills the service at its start timeout (seen in the boot simulation, tests/boot).
/// </summary>
public static class SystemdEnvironment
{
    /// <summary>A <c>Type=notify</c> unit: systemd passes the socket to send READY=1 and STOPPING=1 to.</summary>
    public static bool ExpectsNotifications =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NOTIFY_SOCKET")) || SystemdHelpers.IsSystemdService();

    /// <summary>Standard output goes to journald, which stamps each line itself and reads the level from a <c>&lt;N&gt;</c> prefix.</summary>
    public static bool LogsToJournal =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("JOURNAL_STREAM")) || SystemdHelpers.IsSystemdService();
}
