using Endpoints.Common.ProxyProtocol;
using Endpoints.Proxy.Tunneling;

namespace Endpoints.Fuzz.Proxy;

/// <summary>
/// The HTTP/1.x request head reader, for CONNECT and Host mode alike: a head, its length within the input and the
/// head alone reading the same; one byte short of its end is not a head; every field name a token, no value with a
/// line break; a CONNECT target split into host and port, or refused.
/// </summary>
internal sealed class HttpHeadHarness : IHarness
{
    public string Name => "http-head";

    public void Run(ReadOnlySpan<byte> input)
    {
        var bound = AllocationBound.Start(input.Length);
        var status = HttpHeadParser.TryParse(input, out var head, out var error);
        bound.Check(Name);
        switch (status)
        {
            case ParseStatus.Invalid:
                PropertyViolation.Unless(error != HttpHeadError.None, "Invalid without a reason");
                break;
            case ParseStatus.NeedMore:
                PropertyViolation.Unless(input.Length <= HttpHeadParser.MaxHeadLength, $"NeedMore after {input.Length} bytes");
                break;
            case ParseStatus.Done:
                PropertyViolation.Unless(head is not null && head.Length > 0 && head.Length <= input.Length, $"Done with length {head?.Length} of {input.Length}");
                var alone = HttpHeadParser.TryParse(input[..head!.Length], out var again, out _);
                PropertyViolation.Unless(alone == ParseStatus.Done && again!.Method == head.Method && again.Target == head.Target && again.Headers.Count == head.Headers.Count,
                    "the head reads differently without the bytes after it");
                PropertyViolation.Unless(HttpHeadParser.TryParse(input[..(head.Length - 1)], out _, out _) != ParseStatus.Done, "a head one byte shorter is also complete");
                foreach (var (field, value) in head.Headers)
                {
                    PropertyViolation.Unless(field.Length > 0 && !field.Any(c => c <= ' ' || c == ':'), $"field name '{field}'");
                    PropertyViolation.Unless(!value.Contains('\r', StringComparison.Ordinal) && !value.Contains('\n', StringComparison.Ordinal), $"field {field} carries a line break");
                }

                if (head.Method == "CONNECT" && HttpHeadParser.TrySplitAuthority(head.Target, 0, out var host, out var port))
                {
                    PropertyViolation.Unless(host.Length > 0 && port is > 0 and <= 65535, $"CONNECT {head.Target} split as {host} port {port}");
                }

                break;
        }
    }
}
