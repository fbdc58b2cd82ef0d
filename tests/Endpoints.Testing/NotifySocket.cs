using System.Net.Sockets;
using System.Text;

namespace Endpoints.Testing;

/// <summary>
/// A unix datagram socket the test owns, passed to a service as <c>NOTIFY_SOCKET</c> the way systemd passes its
/// own to a <c>Type=notify</c> unit, so the test reads what the service tells systemd (<c>READY=1</c>, <c>STOPPING=1</c>).
/// </summary>
public sealed class NotifySocket : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly TempDirectory _directory = new();

    public NotifySocket()
    {
        Path = System.IO.Path.Combine(_directory.Path, "notify");
        _socket.Bind(new UnixDomainSocketEndPoint(Path));
    }

    public string Path { get; }

    /// <summary>The next message, or null when none came in time.</summary>
    public async Task<string?> ReceiveAsync(TimeSpan timeout)
    {
        var buffer = new byte[4096];
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            var length = await _socket.ReceiveAsync(buffer, SocketFlags.None, cancel.Token);
            return Encoding.UTF8.GetString(buffer, 0, length);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Reads messages until one holds <paramref name="line"/>; every message read is returned in order.</summary>
    public async Task<List<string>> WaitForAsync(string line, TimeSpan timeout)
    {
        var messages = new List<string>();
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && await ReceiveAsync(deadline - DateTime.UtcNow) is { } message)
        {
            messages.Add(message);
            if (message.Split('\n').Contains(line))
            {
                break;
            }
        }

        return messages;
    }

    public void Dispose()
    {
        _socket.Dispose();
        _directory.Dispose();
    }
}
