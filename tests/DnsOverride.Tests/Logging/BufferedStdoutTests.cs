using System.Text;
using Endpoints.Common.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Endpoints.DnsOverride.Tests.Logging;

/// <summary>
/// The log's way to stdout: lines wait for the flush delay and go out together, in order and as UTF-8; a warning, a
/// full buffer and a flush write at once.
/// </summary>
public sealed class BufferedStdoutTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly CountingStream _stream = new();

    [Fact]
    public void LinesWaitForTheFlushDelayAndThenGoOutInOneWrite()
    {
        using var output = new BufferedStdout(_stream, _time);
        for (var i = 0; i < 100; i++)
        {
            output.Append(new StringBuilder($"line {i}\n"), flushNow: false);
        }

        _time.Advance(BufferedStdout.FlushDelay - TimeSpan.FromMilliseconds(1));
        Assert.Equal(0, _stream.Writes);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, _stream.Writes);
        Assert.Equal(string.Concat(Enumerable.Range(0, 100).Select(i => $"line {i}\n")), _stream.Text);
    }

    [Fact]
    public void AWarningGoesOutAtOnceAfterTheLinesBeforeIt()
    {
        using var output = new BufferedStdout(_stream, _time);
        output.Append(new StringBuilder("info: first\n"), flushNow: false);
        output.Append(new StringBuilder("warn: second\n"), flushNow: true);

        Assert.Equal("info: first\nwarn: second\n", _stream.Text);
        _time.Advance(BufferedStdout.FlushDelay);
        Assert.Equal(1, _stream.Writes);
    }

    [Fact]
    public void AFullBufferGoesOutWithoutWaiting()
    {
        using var output = new BufferedStdout(_stream, _time);
        var line = new StringBuilder(new string('x', 1023) + "\n");
        for (var i = 0; i < 40; i++)
        {
            output.Append(line, flushNow: false);
        }

        Assert.Equal(1, _stream.Writes);
        Assert.Equal(32 * 1024, _stream.Text.Length);
        output.Flush();
        Assert.Equal(40 * 1024, _stream.Text.Length);
    }

    [Fact]
    public void TextIsWrittenAsUtf8AndNothingIsWrittenWhenNothingWaits()
    {
        using var output = new BufferedStdout(_stream, _time);
        output.Flush();
        Assert.Equal(0, _stream.Writes);

        output.Append(new StringBuilder("zone été 🙂\n"), flushNow: false);
        output.Dispose();

        Assert.Equal("zone été 🙂\n"u8.ToArray(), _stream.ToArray());
    }

    private sealed class CountingStream : MemoryStream
    {
        public int Writes { get; private set; }

        public string Text => Encoding.UTF8.GetString(ToArray());

        public override void Write(byte[] buffer, int offset, int count)
        {
            Writes++;
            base.Write(buffer, offset, count);
        }
    }
}
