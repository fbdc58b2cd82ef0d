using System.Reflection;
using Endpoints.Aws;

var projectDirectory = typeof(EndpointsStack).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ProjectDirectory").Value!;
var (inputs, errors) = EndpointsApp.ReadInputs(projectDirectory);
if (inputs is null)
{
    foreach (var error in errors)
    {
        Console.Error.WriteLine($"error: {error}");
    }

    return 2;
}

var outdir = System.Environment.GetEnvironmentVariable("CDK_OUTDIR") ?? Path.Combine(projectDirectory, "cdk.out");
foreach (var template in EndpointsApp.Synthesize(inputs, outdir))
{
    Console.WriteLine(template);
}

return 0;
