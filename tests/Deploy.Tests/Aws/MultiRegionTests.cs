using System.Text.Json.Nodes;
using Amazon.CDK;
using Amazon.CDK.Assertions;
using Endpoints.Aws;

namespace Endpoints.Deploy.Tests.Aws;

/// <summary>
/// A gateway endpoint serves only its own region, so each region gets its own stack (VPC, load balancer, proxies,
/// DNS servers), all from one input file: the context is a list, one entry per region.
/// </summary>
[Collection(SharedJsiiRuntime.Name)]
public sealed class MultiRegionTests(AwsFixture aws)
{
    [Fact]
    public void AListOfRegionsIsOneStackPerRegionEachAllowingItsOwnNames()
    {
        var (inputs, errors) = StackInputs.ParseAll(new JsonArray(Region("us-east-1", 20), Region("eu-west-1", 21)));
        Assert.Empty(errors);
        var app = new App();

        var stacks = inputs!.Select(i => EndpointsApp.Build(app, i)).ToList();

        Assert.Equal(["Endpoints-us-east-1", "Endpoints-eu-west-1"], stacks.Select(s => s.StackName));
        Assert.Equal(["us-east-1", "eu-west-1"], stacks.Select(s => s.Region));
        var europe = AwsFixture.AllowedDestinations(Template.FromStack(stacks[1]));
        Assert.Contains("*.s3.eu-west-1.amazonaws.com", europe);
        Assert.Contains("*.ddb.eu-west-1.amazonaws.com", europe);
        Assert.Contains("*.s3-accesspoint.eu-west-1.amazonaws.com", europe);
        Assert.DoesNotContain("*.s3.us-east-1.amazonaws.com", europe);
        Assert.DoesNotContain("s3-external-1.amazonaws.com", europe);
        Assert.Contains("s3-external-1.amazonaws.com", AwsFixture.AllowedDestinations(Template.FromStack(stacks[0])));
    }

    [Fact]
    public void EachEntryIsCheckedAtItsOwnPathAndARegionIsGivenOnce()
    {
        var broken = Region("eu-west-1", 21);
        broken.Remove("vpcId");

        var (inputs, errors) = StackInputs.ParseAll(new JsonArray(Region("us-east-1", 20), broken, Region("us-east-1", 22), JsonValue.Create(3)));

        Assert.Null(inputs);
        Assert.Contains("endpoints[1].vpcId: missing; a VPC id (vpc-...)", errors);
        Assert.Contains("endpoints[3]: expected an object with one region's inputs", errors);
        Assert.Contains("endpoints: region us-east-1 given 2 times; one stack per region", errors);
    }

    [Fact]
    public void OneObjectIsStillTheSingleStackEndpoints()
    {
        var (inputs, errors) = StackInputs.ParseAll(aws.ExampleContext);

        Assert.Empty(errors);
        Assert.Equal("Endpoints", Assert.Single(inputs!).StackName);
    }

    /// <summary>cdk.json's example moved to <paramref name="region"/>, in VPC 10.<paramref name="net"/>.0.0/16.</summary>
    private JsonObject Region(string region, int net)
    {
        var text = aws.ExampleContext.ToJsonString().Replace("us-east-1", region, StringComparison.Ordinal).Replace("10.20.", $"10.{net}.", StringComparison.Ordinal);
        var context = JsonNode.Parse(text)!.AsObject();
        context.Remove("stackName");
        return context;
    }
}
