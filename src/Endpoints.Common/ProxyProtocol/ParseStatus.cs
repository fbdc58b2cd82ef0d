namespace Endpoints.Common.ProxyProtocol;

public enum ParseStatus
{
    /// <summary>Not enough bytes yet: read more and try again.</summary>
    NeedMore,
    Done,
    Invalid,
}
