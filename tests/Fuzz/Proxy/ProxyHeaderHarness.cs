using Endpoints.Common.ProxyProtocol;

namespace Endpoints.Fuzz.Proxy;

/// <summary>
/// The PROXY protocol v1/v2 header a load balancer sends first. Done: the header is the first <c>consumed</c> bytes
/// alone (those bytes read the same without what follows, and one byte fewer is not yet a header); Invalid: with a
/// reason; NeedMore: only while the input is shorter than the longest header.
/// </summary>
internal sealed class ProxyHeaderHarness : IHarness
{
    private const int LongestHeader = 16 + ushort.MaxValue;

    public string Name => "proxy-header";

    public void Run(ReadOnlySpan<byte> input)
    {
        var bound = AllocationBound.Start(input.Length);
        var status = ProxyHeaderParser.TryParse(input, out var header, out var consumed, out var error);
        bound.Check(Name);
        switch (status)
        {
            case ParseStatus.Invalid:
                PropertyViolation.Unless(error != ProxyHeaderError.None, "Invalid without a reason");
                break;
            case ParseStatus.NeedMore:
                PropertyViolation.Unless(input.Length < LongestHeader, $"NeedMore after {input.Length} bytes");
                break;
            case ParseStatus.Done:
                PropertyViolation.Unless(header is not null && consumed > 0 && consumed <= input.Length, $"Done with consumed {consumed} of {input.Length}");
                var alone = ProxyHeaderParser.TryParse(input[..consumed], out var again, out var againConsumed, out _);
                PropertyViolation.Unless(alone == ParseStatus.Done && againConsumed == consumed && Same(header!, again!), "the header reads differently without the bytes after it");
                var shorter = ProxyHeaderParser.TryParse(input[..(consumed - 1)], out _, out _, out _);
                PropertyViolation.Unless(shorter != ParseStatus.Done, "a header one byte shorter is also complete");
                break;
        }
    }

    private static bool Same(ProxyHeader a, ProxyHeader b) =>
        a.Version == b.Version && a.IsLocal == b.IsLocal && Equals(a.Source, b.Source) && Equals(a.Destination, b.Destination)
        && a.VpcEndpointId == b.VpcEndpointId && a.Tlvs.Count == b.Tlvs.Count;
}
