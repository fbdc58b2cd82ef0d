// Lints a synthesized CloudFormation template with cdk-nag's AwsSolutions pack, independently of the C# CDK the
// stack is written in: the template is loaded as it is (cloudformation-include), the pack runs as a validation
// plugin at synthesis, and every finding not acknowledged in the suppressions file (each with its written reason)
// is printed. Exit 0 when none is left, 1 otherwise.
//   node nag.js TEMPLATE [SUPPRESSIONS.json]
const fs = require('fs');
const os = require('os');
const path = require('path');
const cdk = require('aws-cdk-lib');
const { CfnInclude } = require('aws-cdk-lib/cloudformation-include');
const { AwsSolutionsChecks } = require('cdk-nag');

const [templateFile, suppressionsFile] = process.argv.slice(2);
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'nag-'));
const app = new cdk.App({ outdir });
// The template already has its BootstrapVersion parameter and rule.
const stack = new cdk.Stack(app, 'Linted', { synthesizer: new cdk.DefaultStackSynthesizer({ generateBootstrapVersionRule: false }) });
new CfnInclude(stack, 'Template', { templateFile });
cdk.Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
for (const { id, reason } of suppressionsFile ? JSON.parse(fs.readFileSync(suppressionsFile, 'utf8')) : []) {
  cdk.Validations.of(stack).acknowledge({ id, reason });
}

let failed = false;
try {
  app.synth();
} catch (e) {
  // A finding fails synthesis; the plugin has printed each one with the id that acknowledges it.
  failed = true;
} finally {
  fs.rmSync(outdir, { recursive: true, force: true });
}

console.log(failed ? 'cdk-nag AwsSolutions: findings above' : 'cdk-nag AwsSolutions: no finding left');
process.exit(failed ? 1 : 0);
