using System.Text;

namespace Endpoints.Common.Logging;

/// <summary>
/// Standard output written in batches: lines are appended under a lock, and the first line after a write starts a
/// timer that writes everything appended by then with one <c>write(2)</c>, <see cref="FlushDelay"/> later. Under load
/// that is hundreds of lines per write and no thread woken per line; idle, nothing runs. Lines are also written at
/// once when the buffer is full, when asked (warnings and errors), on dispose and when the process exits.
/// </summary>
public sealed class BufferedStdout : IDisposable
{
    public static readonly TimeSpan FlushDelay = TimeSpan.FromMilliseconds(20);

    private const int FlushAtChars = 32 * 1024;

    private readonly Stream _stream;
    private readonly Lock _lock = new();
    private readonly Lock _writeLock = new();
    private readonly ITimer _timer;
    private readonly Encoder _encoder = new UTF8Encoding(false).GetEncoder();
    private StringBuilder _pending = new(FlushAtChars);
    private StringBuilder _spare = new(FlushAtChars);
    private byte[] _bytes = new byte[FlushAtChars * 3];
    private bool _scheduled;

    /// <summary>The process's standard output, written out when the process exits or fails too.</summary>
    public BufferedStdout(TimeProvider time)
        : this(Console.OpenStandardOutput(), time)
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Flush();
        AppDomain.CurrentDomain.UnhandledException += (_, _) => Flush();
    }

    public BufferedStdout(Stream stream, TimeProvider time)
    {
        _stream = stream;
        _timer = time.CreateTimer(_ => Flush(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public void Append(StringBuilder line, bool flushNow)
    {
        bool full;
        lock (_lock)
        {
            foreach (var chunk in line.GetChunks())
            {
                _pending.Append(chunk.Span);
            }

            full = _pending.Length >= FlushAtChars;
            if (!full && !flushNow && !_scheduled)
            {
                _scheduled = true;
                _timer.Change(FlushDelay, Timeout.InfiniteTimeSpan);
            }
        }

        if (full || flushNow)
        {
            Flush();
        }
    }

    /// <summary>Writes what is buffered; one writer at a time, so lines keep their order.</summary>
    public void Flush()
    {
        lock (_writeLock)
        {
            StringBuilder batch;
            lock (_lock)
            {
                _scheduled = false;
                if (_pending.Length == 0)
                {
                    return;
                }

                batch = _pending;
                _pending = _spare;
                _spare = batch;
            }

            var count = 0;
            foreach (var chunk in batch.GetChunks())
            {
                var needed = count + _encoder.GetByteCount(chunk.Span, flush: false);
                if (needed > _bytes.Length)
                {
                    Array.Resize(ref _bytes, needed);
                }

                count += _encoder.GetBytes(chunk.Span, _bytes.AsSpan(count), flush: false);
            }

            WriteIgnoringClosed(count);
            batch.Clear();
        }
    }

    public void Dispose()
    {
        Flush();
        _timer.Dispose();
    }

    private void WriteIgnoringClosed(int count)
    {
        try
        {
            _stream.Write(_bytes, 0, count);
            _stream.Flush();
        }
        catch (IOException)
        {
            // stdout gone (its reader closed the pipe): the service goes on serving without its log.
        }
    }
}
