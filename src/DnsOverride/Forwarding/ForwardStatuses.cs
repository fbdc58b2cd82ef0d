namespace Endpoints.DnsOverride.Forwarding;

internal static class ForwardStatuses
{
    public static string Word(this ForwardStatus status) => status switch
    {
        ForwardStatus.Answered => "answered",
        ForwardStatus.Timeout => "timeout",
        ForwardStatus.Refused => "refused",
        ForwardStatus.UpstreamRefused => "upstream-refused",
        ForwardStatus.NetworkError => "network-error",
        ForwardStatus.Malformed => "malformed",
        ForwardStatus.TcpFailed => "tcp-failed",
        ForwardStatus.RecentTimeout => "recent-timeout",
        ForwardStatus.NoUpstream => "no-upstream",
        _ => "overload",
    };
}
