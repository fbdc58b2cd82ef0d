using System.Globalization;
using System.Net;
using System.Text.Json;
using Endpoints.Common.Cli;
using Endpoints.Common.Configuration;
using Endpoints.Proxy.Doctor;

namespace Endpoints.Proxy.Cli;

/// <summary>
/// <c>doctor NAME[:PORT] --dns SERVER [--via PROXY:PORT] [--resolver SERVER] [--format text|json]</c>: the path a
/// client takes to NAME, step by step (<see cref="PathDoctor"/>), each within 5 s. Exit 0 when no step failed, 1
/// when one did, 2 on bad input.
/// </summary>
internal static class DoctorCommand
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(CommandLine commandLine, TextWriter output, TextWriter error)
    {
        var settings = commandLine.Settings;
        var errors = new List<string>();
        var target = commandLine.Positional.Count == 1 ? commandLine.Positional[0] : null;
        var (name, port) = (target ?? string.Empty, 443);
        if (target is null)
        {
            errors.Add("doctor needs NAME[:PORT], the name a client asks for (bucket.s3.us-east-1.amazonaws.com)");
        }
        else if (target.LastIndexOf(':') is var colon and > 0)
        {
            name = target[..colon];
            if (!int.TryParse(target[(colon + 1)..], CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
            {
                errors.Add($"'{target}': the port is not 1-65535");
            }
        }

        var dns = Endpoint(settings.GetValueOrDefault("Doctor:Dns"), 53, "--dns", required: true, errors);
        var via = Endpoint(settings.GetValueOrDefault("Doctor:Via"), 3128, "--via", required: false, errors);
        var resolver = Endpoint(settings.GetValueOrDefault("Proxy:Resolver:0"), 53, "--resolver", required: false, errors);
        var format = settings.GetValueOrDefault("Doctor:Format") ?? "text";
        if (format is not ("text" or "json"))
        {
            errors.Add($"--format '{format}': text or json");
        }

        if (errors.Count > 0)
        {
            foreach (var problem in errors)
            {
                error.WriteLine(problem);
            }

            return 2;
        }

        var steps = await new PathDoctor(name, port, resolver, dns!, via, StepTimeout).RunAsync(CancellationToken.None).ConfigureAwait(false);
        var failed = steps.Any(s => s.Verdict == DoctorVerdict.Fail);
        if (format == "json")
        {
            output.WriteLine(Json(name, port, steps, failed));
        }
        else
        {
            output.WriteLine($"doctor {name}:{port}{(via is null ? " (SNI path)" : $" via {via}")}");
            foreach (var step in steps)
            {
                output.WriteLine(step.ToString());
            }

            output.WriteLine(failed ? $"FAILED at step {steps.First(s => s.Verdict == DoctorVerdict.Fail).Number}" : "OK");
        }

        return failed ? 1 : 0;
    }

    private static IPEndPoint? Endpoint(string? text, int defaultPort, string flag, bool required, List<string> errors)
    {
        if (text is null)
        {
            if (required)
            {
                errors.Add($"{flag} SERVER[:PORT] is required: our DNS server (or the load balancer's address)");
            }

            return null;
        }

        if (EndpointParser.TryParse(text, defaultPort, out var endpoint))
        {
            return endpoint;
        }

        errors.Add($"{flag} '{text}' is not ADDR[:PORT]");
        return null;
    }

    private static string Json(string name, int port, IReadOnlyList<DoctorStep> steps, bool failed)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteNumber("port", port);
            json.WriteBoolean("ok", !failed);
            json.WriteStartArray("steps");
            foreach (var step in steps)
            {
                json.WriteStartObject();
                json.WriteNumber("step", step.Number);
                json.WriteString("name", step.Name);
                json.WriteString("verdict", step.Verdict.ToString().ToLowerInvariant());
                json.WriteString("detail", step.Detail);
                json.WriteString("fix", step.Fix);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
