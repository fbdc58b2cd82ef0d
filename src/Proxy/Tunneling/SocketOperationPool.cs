using System.Collections.Concurrent;
using Endpoints.Common.Networking;

namespace Endpoints.Proxy.Tunneling;

/// <summary>
/// Reuses <see cref="SocketOperation"/>s across connections: each one is a few hundred bytes with its callback
/// delegates, and a connection needs two, one per direction (bench/README.md: four of them were a third of what a handshake allocated). Bounded, so a burst
/// does not pin memory for good.
/// </summary>
internal static class SocketOperationPool
{
    private const int Capacity = 1024;
    private static readonly ConcurrentQueue<SocketOperation> Free = new();
    private static int _count;

    public static SocketOperation Rent()
    {
        if (Free.TryDequeue(out var operation))
        {
            Interlocked.Decrement(ref _count);
            return operation;
        }

        return new SocketOperation();
    }

    /// <summary>Only an operation with nothing in flight (its connection is over).</summary>
    public static void Return(SocketOperation? operation)
    {
        if (operation is null)
        {
            return;
        }

        operation.Clear();
        if (Interlocked.Increment(ref _count) <= Capacity)
        {
            Free.Enqueue(operation);
        }
        else
        {
            Interlocked.Decrement(ref _count);
            operation.Dispose();
        }
    }
}
