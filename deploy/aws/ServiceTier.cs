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
/// One tier (proxies or DNS servers): an Auto Scaling group across the subnets, from a launch template on the latest
/// Amazon Linux 2023 with IMDSv2 required and an encrypted volume, whose user data installs the release. A change of
/// artifact or settings makes a new launch template version, which a rolling update rolls through the group.
/// </summary>
internal sealed class ServiceTier : Construct
{
    public ServiceTier(Construct scope, string id, StackInputs inputs, TierInput tier, IVpc vpc, ISubnet[] subnets, ISecurityGroup group, string userData)
        : base(scope, id)
    {
        Role = new Role(this, "Role", new RoleProps
        {
            AssumedBy = new ServicePrincipal("ec2.amazonaws.com"),
            Description = $"Endpoints {id}: SSM, the CloudWatch agent, and read of the release artifact",
            ManagedPolicies =
            [
                ManagedPolicy.FromAwsManagedPolicyName("AmazonSSMManagedInstanceCore"),
                ManagedPolicy.FromAwsManagedPolicyName("CloudWatchAgentServerPolicy"),
            ],
        });
        Role.AddToPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["s3:GetObject"],
            Resources = [$"arn:{Amazon.CDK.Aws.PARTITION}:s3:::{inputs.ArtifactBucket}/{inputs.ArtifactKey}"],
        }));

        var template = new LaunchTemplate(this, "LaunchTemplate", new LaunchTemplateProps
        {
            InstanceType = new InstanceType(tier.InstanceType),
            MachineImage = MachineImage.LatestAmazonLinux2023(new AmazonLinux2023ImageSsmParameterProps
            {
                CpuType = tier.Architecture == "arm64" ? AmazonLinuxCpuType.ARM_64 : AmazonLinuxCpuType.X86_64,
            }),
            RequireImdsv2 = true,
            HttpPutResponseHopLimit = 1,
            Role = Role,
            SecurityGroup = group,
            UserData = UserData.Custom(userData),
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
            UpdatePolicy = UpdatePolicy.RollingUpdate(new RollingUpdateOptions
            {
                MinInstancesInService = tier.Min,
                MaxBatchSize = 1,
                PauseTime = Duration.Minutes(10),
                WaitOnResourceSignals = false,
            }),
        });
    }

    public Role Role { get; }

    public AutoScalingGroup Group { get; }
}
