using Endpoints.Testing;

namespace Endpoints.Proxy.Tests.Integration;

public static class Curl
{
    public static Task<(int ExitCode, string Output)> RunAsync(params string[] arguments) =>
        Tools.RunAsync("curl", ["-sS", "--max-time", "20", .. arguments]);
}
