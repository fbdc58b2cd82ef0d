using Endpoints.Common.ProxyProtocol;
using Endpoints.Proxy.Tunneling;

namespace Endpoints.Fuzz.Proxy;

/// <summary>
/// The ClientHello reader that finds the SNI without ending TLS. Done: the name comes from the first <c>consumed</c>
/// bytes alone; Invalid: with a reason; NeedMore: only while the input is within the ClientHello limit.
/// </summary>
internal sealed class ClientHelloHarness : IHarness
{
    // The limit counts handshake bytes; each TLS record around them adds a 5-byte header, and a record may hold 1 byte.
    private const int LongestInput = ClientHelloParser.MaxHelloLength * 6;

    public string Name => "client-hello";

    public void Run(ReadOnlySpan<byte> input)
    {
        var bound = AllocationBound.Start(input.Length);
        var status = ClientHelloParser.TryGetServerName(input, out var name, out var error, out var consumed);
        bound.Check(Name);
        switch (status)
        {
            case ParseStatus.Invalid:
                PropertyViolation.Unless(error != ClientHelloError.None, "Invalid without a reason");
                break;
            case ParseStatus.NeedMore:
                PropertyViolation.Unless(input.Length <= LongestInput, $"NeedMore after {input.Length} bytes");
                break;
            case ParseStatus.Done:
                PropertyViolation.Unless(consumed > 0 && consumed <= input.Length, $"Done with consumed {consumed} of {input.Length}");
                var alone = ClientHelloParser.TryGetServerName(input[..consumed], out var again, out _, out var againConsumed);
                PropertyViolation.Unless(alone == ParseStatus.Done && again == name && againConsumed == consumed, "the ClientHello reads differently without the bytes after it");
                PropertyViolation.Unless(name is null || (name.Length is > 0 and <= 255 && !name.Any(char.IsControl)), $"server name '{name}'");
                break;
        }
    }
}
