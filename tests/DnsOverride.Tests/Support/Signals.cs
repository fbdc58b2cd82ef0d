namespace Endpoints.DnsOverride.Tests.Support;

public static class Signals
{
    public const int SIGHUP = 1;
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;
}
