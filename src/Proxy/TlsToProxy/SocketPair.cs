using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Endpoints.Proxy.TlsToProxy;

/// <summary>Two connected Unix stream sockets (socketpair(2)), which .NET has no call for.</summary>
internal static partial class SocketPair
{
    private const int AfUnix = 1;
    private const int SockStream = 1;
    private const int SockCloexec = 0x80000;

    public static (Socket First, Socket Second) Create()
    {
        Span<int> fds = stackalloc int[2];
        if (Native(AfUnix, SockStream | SockCloexec, 0, fds) != 0)
        {
            throw new SocketException(Marshal.GetLastPInvokeError());
        }

        return (new Socket(new SafeSocketHandle(fds[0], ownsHandle: true)), new Socket(new SafeSocketHandle(fds[1], ownsHandle: true)));
    }

    [LibraryImport("libc", EntryPoint = "socketpair", SetLastError = true)]
    private static partial int Native(int domain, int type, int protocol, Span<int> fds);
}
