using System.Net;
using System.Net.Security;

// A Kerberos client for the proxy's tests, run as its own process so that KRB5CCNAME and KRB5_CONFIG reach GSSAPI:
//   token SPN [COUNT]  prints COUNT fresh Negotiate tokens for SPN (HTTP/localhost), one per line, base64
//   connect SPN PORT TARGET
//                      CONNECTs to TARGET through the proxy on 127.0.0.1:PORT with a token asking for mutual
//                      authentication, hands the proxy's final Negotiate token (the 200's Proxy-Authenticate) back to
//                      GSSAPI, and prints "STATUS <code> <GSSAPI's status> authenticated=<bool>"
//   get URL            GETs URL with HttpClient through HTTPS_PROXY, offering the ticket cache's identity to the proxy
//                      (DefaultProxyCredentials, as the AWS SDK for .NET does); prints "STATUS <code>"; the origin's
//                      CA comes from SSL_CERT_FILE
if (args is ["token", var spn, ..])
{
    var count = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1;
    for (var i = 0; i < count; i++)
    {
        using var client = new NegotiateAuthentication(new NegotiateAuthenticationClientOptions
        {
            Package = "Negotiate",
            TargetName = spn,
            Credential = CredentialCache.DefaultNetworkCredentials,
        });
        var token = client.GetOutgoingBlob(ReadOnlySpan<byte>.Empty, out var status);
        if (token is null || status is not (NegotiateAuthenticationStatusCode.ContinueNeeded or NegotiateAuthenticationStatusCode.Completed))
        {
            Console.Error.WriteLine($"no token for {spn}: {status}");
            return 1;
        }

        Console.WriteLine(Convert.ToBase64String(token));
    }

    return 0;
}

if (args is ["connect", var service, var port, var target])
{
    using var client = new NegotiateAuthentication(new NegotiateAuthenticationClientOptions
    {
        Package = "Negotiate",
        TargetName = service,
        Credential = CredentialCache.DefaultNetworkCredentials,
        RequireMutualAuthentication = true,
    });
    var token = client.GetOutgoingBlob(ReadOnlySpan<byte>.Empty, out _)!;
    using var socket = new System.Net.Sockets.TcpClient();
    await socket.ConnectAsync(IPAddress.Loopback, int.Parse(port, System.Globalization.CultureInfo.InvariantCulture));
    var stream = socket.GetStream();
    await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(
        $"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\nProxy-Authorization: Negotiate {Convert.ToBase64String(token)}\r\n\r\n"));
    var head = string.Empty;
    var buffer = new byte[8192];
    while (!head.Contains("\r\n\r\n", StringComparison.Ordinal))
    {
        var read = await stream.ReadAsync(buffer);
        if (read == 0)
        {
            break;
        }

        head += System.Text.Encoding.ASCII.GetString(buffer, 0, read);
    }

    var code = head.Split(' ', 3) is [_, var status, ..] ? status : "none";
    var final = head.Split("\r\n").FirstOrDefault(l => l.StartsWith("Proxy-Authenticate: Negotiate ", StringComparison.Ordinal));
    if (final is null)
    {
        Console.WriteLine($"STATUS {code} no final token authenticated={client.IsAuthenticated}");
        return 0;
    }

    client.GetOutgoingBlob(Convert.FromBase64String(final["Proxy-Authenticate: Negotiate ".Length..]), out var completion);
    Console.WriteLine($"STATUS {code} {completion} authenticated={client.IsAuthenticated}");
    return 0;
}

if (args is ["get", var url])
{
    using var handler = new SocketsHttpHandler { DefaultProxyCredentials = CredentialCache.DefaultCredentials };
    using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(20) };
    try
    {
        using var response = await http.GetAsync(new Uri(url));
        Console.WriteLine($"STATUS {(int)response.StatusCode}");
        Console.WriteLine(await response.Content.ReadAsStringAsync());
        return 0;
    }
    catch (HttpRequestException ex)
    {
        Console.WriteLine($"STATUS {(int?)ex.StatusCode ?? 0} {ex.Message} {ex.InnerException?.Message} {ex.InnerException?.InnerException?.Message}");
        return 0;
    }
}

Console.Error.WriteLine("usage: NegotiateClient token SPN [COUNT] | connect SPN PORT TARGET | get URL");
return 2;
