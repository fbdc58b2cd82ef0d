namespace Endpoints.Fuzz;

/// <summary>
/// No input may make a parser allocate more than <see cref="Factor"/> bytes per input byte, plus a fixed
/// <see cref="Baseline"/> for its tables and first buffers. Measured on the calling thread, where the parsers run.
/// </summary>
internal readonly struct AllocationBound
{
    public const int Factor = 64;

    public const long Baseline = 256 * 1024;

    private readonly long _start;
    private readonly int _inputLength;

    private AllocationBound(int inputLength)
    {
        _inputLength = inputLength;
        _start = GC.GetAllocatedBytesForCurrentThread();
    }

    public static AllocationBound Start(int inputLength) => new(inputLength);

    public void Check(string parser)
    {
        var allocated = GC.GetAllocatedBytesForCurrentThread() - _start;
        var bound = Baseline + ((long)Factor * _inputLength);
        PropertyViolation.Unless(allocated <= bound, $"{parser} allocated {allocated} bytes for {_inputLength} input bytes (bound {bound})");
    }
}
