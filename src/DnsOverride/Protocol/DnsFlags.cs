namespace Endpoints.DnsOverride.Protocol;

/// <summary>Bits of the second header word (RFC 1035 4.1.1, RFC 4035 3.2).</summary>
internal static class DnsFlags
{
    public const ushort Response = 0x8000;
    public const ushort OpcodeMask = 0x7800;
    public const ushort Authoritative = 0x0400;
    public const ushort Truncated = 0x0200;
    public const ushort RecursionDesired = 0x0100;
    public const ushort RecursionAvailable = 0x0080;
    public const ushort AuthenticData = 0x0020;
    public const ushort CheckingDisabled = 0x0010;
    public const ushort RcodeMask = 0x000F;

    public const int HeaderLength = 12;
}
