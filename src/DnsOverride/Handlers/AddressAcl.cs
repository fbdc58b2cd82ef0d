using System.Net;
using System.Net.Sockets;

namespace Endpoints.DnsOverride.Handlers;

/// <summary>
/// CIDR list matched against raw address bytes, so the per-packet check needs no <see cref="IPAddress"/>.
/// IPv4-mapped IPv6 addresses match the IPv4 networks.
/// </summary>
internal sealed class AddressAcl
{
    private readonly (byte[] Prefix, int Bits)[] _v4;
    private readonly (byte[] Prefix, int Bits)[] _v6;

    public AddressAcl(IEnumerable<IPNetwork> networks)
    {
        var list = networks.ToList();
        _v4 = list.Where(n => n.BaseAddress.AddressFamily == AddressFamily.InterNetwork)
            .Select(n => (n.BaseAddress.GetAddressBytes(), n.PrefixLength)).ToArray();
        _v6 = list.Where(n => n.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6)
            .Select(n => (n.BaseAddress.GetAddressBytes(), n.PrefixLength)).ToArray();
    }

    public bool Contains(SocketAddress address)
    {
        var bytes = address.Buffer.Span;
        return address.Family switch
        {
            AddressFamily.InterNetwork => Contains(bytes.Slice(4, 4)),
            AddressFamily.InterNetworkV6 => Contains(bytes.Slice(8, 16)),
            _ => false,
        };
    }

    public bool Contains(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        return address.TryWriteBytes(bytes, out var written) && Contains(bytes[..written]);
    }

    public bool Contains(ReadOnlySpan<byte> address)
    {
        if (address.Length == 16 && address[..10].IndexOfAnyExcept((byte)0) < 0 && address[10] == 0xFF && address[11] == 0xFF)
        {
            address = address[12..];
        }

        foreach (var (prefix, bits) in address.Length == 4 ? _v4 : _v6)
        {
            if (Matches(address, prefix, bits))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Matches(ReadOnlySpan<byte> address, byte[] prefix, int bits)
    {
        var whole = bits / 8;
        if (!address[..whole].SequenceEqual(prefix.AsSpan(0, whole)))
        {
            return false;
        }

        var rest = bits % 8;
        if (rest == 0)
        {
            return true;
        }

        var mask = (byte)(0xFF << (8 - rest));
        return (address[whole] & mask) == (prefix[whole] & mask);
    }
}
