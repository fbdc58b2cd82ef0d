using System.Security.Cryptography;
using Endpoints.DnsOverride.Protocol;

namespace Endpoints.DnsOverride.Tsig;

/// <summary>The HMACs we sign and verify with (RFC 8945 6: hmac-sha256 is mandatory, hmac-sha512 optional).</summary>
internal sealed record TsigAlgorithm(string Name, HashAlgorithmName Hash, int MacLength)
{
    public static readonly TsigAlgorithm HmacSha256 = new("hmac-sha256", HashAlgorithmName.SHA256, 32);
    public static readonly TsigAlgorithm HmacSha512 = new("hmac-sha512", HashAlgorithmName.SHA512, 64);

    /// <summary>The algorithm's name as a domain name, as it appears in TSIG records.</summary>
    public DnsName WireName { get; } = DnsName.Parse(Name + ".");

    public static TsigAlgorithm? Find(string name) => name.ToLowerInvariant() switch
    {
        "hmac-sha256" => HmacSha256,
        "hmac-sha512" => HmacSha512,
        _ => null,
    };

    public static TsigAlgorithm? Find(DnsName name) =>
        name == HmacSha256.WireName ? HmacSha256 : name == HmacSha512.WireName ? HmacSha512 : null;
}
