namespace Endpoints.Fuzz;

/// <summary>
/// One parser under the fuzzer. <see cref="Run"/> feeds it the input and checks what must hold of its answer; a
/// broken property throws <see cref="PropertyViolation"/>, which AFL++ records as a crash, as it does any other
/// exception that escapes the parser.
/// </summary>
internal interface IHarness
{
    /// <summary>The name bench/fuzz.sh and the corpus folder use.</summary>
    string Name { get; }

    void Run(ReadOnlySpan<byte> input);
}
