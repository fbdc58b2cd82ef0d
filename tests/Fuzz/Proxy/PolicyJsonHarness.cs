using System.Net;
using System.Text;
using Endpoints.Proxy.Policy;

namespace Endpoints.Fuzz.Proxy;

/// <summary>
/// The access policy file: a policy or errors at FILE:LINE, never both. A policy that loads decides a connection
/// (allow or deny, with the rule and reason) without failing, for a named and an anonymous client alike.
/// </summary>
internal sealed class PolicyJsonHarness : IHarness
{
    private const string Path = "/etc/endpoints/policy.json";

    public string Name => "policy-json";

    public void Run(ReadOnlySpan<byte> input)
    {
        var json = Encoding.UTF8.GetString(input);
        var bound = AllocationBound.Start(input.Length);
        var (policy, errors) = AccessPolicy.Parse(json, Path);
        bound.Check(Name);
        FileErrors.CheckEither(policy, errors.ToList(), Name);
        FileErrors.CheckLocated(errors, Path, Name);
        if (policy is null)
        {
            return;
        }

        foreach (var user in new[] { null, "alice@CORP.EXAMPLE" })
        {
            var decision = policy.Evaluate(IPAddress.Parse("10.1.2.3"), "bucket.s3.us-east-1.amazonaws.com", 443, user);
            PropertyViolation.Unless(decision.Allowed || !string.IsNullOrEmpty(decision.Reason), "a denial without a reason");
        }
    }
}
