using Amazon.CDK;
using Amazon.CDK.AWS.AutoScaling;
using Amazon.CDK.AWS.EC2;
using Amazon.CDK.AWS.IAM;
using Constructs;
using BlockDevice = Amazon.CDK.AWS.EC2.BlockDevice;
using BlockDeviceVolume = Amazon.CDK.AWS.EC2.BlockDeviceVolume;
using EbsDeviceOptions = Amazon.CDK.AWS.EC2.EbsDeviceOptions;
using EbsDeviceVolumeType = Amazon.CDK.AWS.EC2.EbsDeviceVolumeType;

namespace Endpoints.Aws;

/// <summary>
/// One tier (proxies or DNS servers): an Auto Scaling group across the subnets, from a launch template with IMDSv2
/// required and an encrypted volume, whose user data installs the release. The image is Amazon Linux 2023's latest,
/// resolved at each launch (<c>resolve:ssm:</c>), so a new instance gets today's image and a deploy does not re-roll
/// the group when AWS publishes one. A change of artifact or settings makes a new launch template version, which a
/// rolling update rolls through the group one instance at a time, each signalling CloudFormation once its /readyz
/// answers 200: a release that does not come up stops the rollout and rolls it back.
/// </summary>
internal sealed class ServiceTier : Construct
{
    /// <summary>How long a new instance has to install and answer /readyz before CloudFormation counts it failed.</summary>
    public static readonly Duration SignalTimeout = Duration.Minutes(15);

    public ServiceTier(Construct scope, string id, StackInputs inputs, TierInput tier, IVpc vpc, ISubnet[] subnets, ISecurityGroup group, string script, int healthPort)
        : base(scope, id)
    {
        Role = new Role(this, "Role", new RoleProps
        {
            AssumedBy = new ServicePrincipal("ec2.amazonaws.com"),
            Description = $"Endpoints {id}: SSM (Session Manager), and read of the release artifact",
            ManagedPolicies = [ManagedPolicy.FromAwsManagedPolicyName("AmazonSSMManagedInstanceCore")],
        });
        Role.AddToPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["s3:GetObject"],
            Resources = [$"arn:{Amazon.CDK.Aws.PARTITION}:s3:::{inputs.ArtifactBucket}/{inputs.ArtifactKey}"],
        }));

        // The script without its first line: UserData.ForLinux writes the shebang, and lines added later (the signal).
        var userData = UserData.ForLinux();
        userData.AddCommands(script[(script.IndexOf('\n', StringComparison.Ordinal) + 1)..].TrimEnd('\n'));
        var template = new LaunchTemplate(this, "LaunchTemplate", new LaunchTemplateProps
        {
            InstanceType = new InstanceType(tier.InstanceType),
            MachineImage = MachineImage.ResolveSsmParameterAtLaunch(
                $"/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-{(tier.Architecture == "arm64" ? "arm64" : "x86_64")}"),
            RequireImdsv2 = true,
            HttpPutResponseHopLimit = 1,
            Role = Role,
            SecurityGroup = group,
            UserData = userData,
            BlockDevices =
            [
                new BlockDevice
                {
                    DeviceName = "/dev/xvda",
                    Volume = BlockDeviceVolume.Ebs(20, new EbsDeviceOptions { Encrypted = true, VolumeType = EbsDeviceVolumeType.GP3 }),
                },
            ],
        });

        Group = new AutoScalingGroup(this, "Group", new AutoScalingGroupProps
        {
            Vpc = vpc,
            VpcSubnets = new SubnetSelection { Subnets = subnets },
            LaunchTemplate = template,
            MinCapacity = tier.Min,
            MaxCapacity = tier.Max,
            HealthCheck = Amazon.CDK.AWS.AutoScaling.HealthCheck.Elb(new ElbHealthCheckOptions { Grace = Duration.Minutes(5) }),
            Signals = Signals.WaitForMinCapacity(new SignalsOptions { Timeout = SignalTimeout }),
            UpdatePolicy = UpdatePolicy.RollingUpdate(new RollingUpdateOptions
            {
                MinInstancesInService = tier.Min,
                MaxBatchSize = 1,
                PauseTime = SignalTimeout,
                WaitOnResourceSignals = true,
                MinSuccessPercentage = 100,

                // Health checks and replacement of unhealthy instances go on during the update (CDK suspends them by default).
                SuspendProcesses = [ScalingProcess.AZ_REBALANCE, ScalingProcess.ALARM_NOTIFICATION, ScalingProcess.SCHEDULED_ACTIONS],
            }),
        });

        // Once the service answers /readyz, tell CloudFormation; if it never does, say so at once rather than at the timeout.
        var stack = Stack.Of(this);
        var signal = $"/opt/aws/bin/cfn-signal --stack {inputs.StackName} --resource {stack.GetLogicalId((CfnElement)Group.Node.DefaultChild!)} --region {inputs.Region}";
        userData.AddCommands(
            "ready=false",
            $"for _ in $(seq 1 120); do curl -sf http://127.0.0.1:{healthPort}/readyz >/dev/null && {{ ready=true; break; }}; sleep 5; done",
            $"{signal} --success \"$ready\"");
    }

    public Role Role { get; }

    public AutoScalingGroup Group { get; }
}
