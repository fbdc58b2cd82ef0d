using Endpoints.Fuzz;
using SharpFuzz;

// Endpoints.Fuzz HARNESS             under afl-fuzz: the fork server loop (SharpFuzz), one input per run
// Endpoints.Fuzz HARNESS FILE...     each file once, outside AFL: a crash found, or a corpus, replayed
// Endpoints.Fuzz --list              the harness names
if (args.Length == 1 && args[0] == "--list")
{
    foreach (var (name, _) in Harnesses.All)
    {
        Console.WriteLine(name);
    }

    return 0;
}

if (args.Length == 0 || Harnesses.Find(args[0]) is not { } create)
{
    Console.Error.WriteLine($"usage: Endpoints.Fuzz HARNESS [FILE...]; harnesses: {string.Join(", ", Harnesses.All.Select(h => h.Name))}");
    return 2;
}

if (args.Length > 1)
{
    var chosen = create();
    var failures = 0;
    foreach (var file in args.Skip(1))
    {
        try
        {
            chosen.Run(File.ReadAllBytes(file));
        }
#pragma warning disable CA1031 // Replaying reports every input's failure, whatever it is, and goes on.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            failures++;
            Console.Error.WriteLine($"{file}: {ex.GetType().Name}: {ex.Message}");
        }
    }

    Console.WriteLine($"{args[0]}: {args.Length - 1 - failures} inputs passed, {failures} failed");
    return failures == 0 ? 0 : 1;
}

var buffer = new MemoryStream();
IHarness? harness = null;
Fuzzer.Run(stream =>
{
    harness ??= create();
    buffer.SetLength(0);
    stream.CopyTo(buffer);
    harness.Run(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
});
return 0;
