#!/usr/bin/env node
// @ts-check
/**
 * A seeded, download-free benchmark corpus: the mix of files trustlint meets in an infrastructure
 * monorepo. At `--scale 1`, about 2,000 files and 50 MB:
 *
 *   CloudFormation YAML (2 KB–500 KB, short-form tags, many resources, comments, `|` blocks)  ~62%
 *   CloudFormation JSON (hand-written, indented, and minified `cdk.out/*.template.json`)       ~20%
 *   Terraform JSON (`*.tf.json`), Terraform plans (`terraform show -json`)                    ~13%
 *   raw policy documents (JSON, YAML), and files that are not ours (workflows, manifests)     ~5%
 *
 * Mostly clean, as real repositories are: a few percent of the policies carry the mistakes the
 * rules exist for (a web-identity trust without audience, a wildcard subject, a misspelt action).
 * The same seed and scale always give the same bytes.
 *
 *   node bench/generate.mjs [--out DIR] [--scale N] [--seed N]      (default DIR: $TMPDIR/trustlint-bench/corpus)
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Bumped whenever the output changes, so that a cached corpus is regenerated. */
export const GENERATOR_VERSION = 4;

/** @param {number} seed */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    /** @param {number} n */
    int: (n) => Math.floor(next() * n),
    /** @param {number} lo @param {number} hi */
    range: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    /** @template T @param {readonly T[]} xs @returns {T} */
    pick: (xs) => xs[Math.floor(next() * xs.length)],
    /** @param {number} p */
    chance: (p) => next() < p,
  };
}
/** @typedef {ReturnType<typeof rng>} Rng */

// ---------------------------------------------------------------------------------------------
// A tiny value model: CloudFormation short-form tags and literal blocks, written as YAML or JSON.

/** A CloudFormation intrinsic in short form (`!Ref X`); in JSON its long form. */
class Tag {
  /** @param {string} tag @param {unknown} value */
  constructor(tag, value) {
    this.tag = tag;
    this.value = value;
  }
}
/** A multi-line string written as a `|` block in YAML. */
class Block {
  /** @param {string} text */
  constructor(text) {
    this.text = text;
  }
}
/** A comment line before a map entry (YAML only). */
const COMMENT = Symbol('comment');

/** @param {unknown} v @returns {unknown} */
function longForm(v) {
  if (v instanceof Tag) {
    const name = v.tag === '!Ref' ? 'Ref' : v.tag === '!Condition' ? 'Condition' : `Fn::${v.tag.slice(1)}`;
    if (v.tag === '!GetAtt' && typeof v.value === 'string') return { [name]: v.value.split('.') };
    return { [name]: longForm(v.value) };
  }
  if (v instanceof Block) return v.text;
  if (Array.isArray(v)) return v.map(longForm);
  if (v && typeof v === 'object') {
    /** @type {Record<string, unknown>} */
    const out = {};
    for (const [k, x] of Object.entries(v)) out[k] = longForm(x);
    return out;
  }
  return v;
}

const RESERVED = /^(true|false|null|yes|no|on|off|y|n|~|TRUE|FALSE|True|False|NULL|Null)$/;
const NUMERIC = /^[-+]?(\.?\d|\.inf|\.nan|0x|0o)/i;

/** @param {string} s @param {boolean} flow @param {Rng} r */
function yamlString(s, flow, r) {
  const plainOk =
    s !== '' &&
    /^[A-Za-z/$.][^\n]*$/.test(s) &&
    !/[\t]|: | #|:$|^\s|\s$/.test(s) &&
    !(flow && /[[\]{},]/.test(s)) &&
    !RESERVED.test(s) &&
    !NUMERIC.test(s);
  if (plainOk && !r.chance(0.04)) return s;
  if (!s.includes("'") && !s.includes('\n') && r.chance(0.6)) return `'${s}'`;
  return JSON.stringify(s);
}

/** @param {unknown} v */
function isScalar(v) {
  return v === null || typeof v !== 'object' || (v instanceof Tag && isScalar(v.value));
}

/**
 * Flow form of a value when it is short and simple enough (`[a, !Ref B]`, `{Key: Name, Value: x}`).
 * @param {unknown} v @param {Rng} r @returns {string | undefined}
 */
function yamlFlow(v, r) {
  if (v instanceof Tag) {
    const inner = yamlFlow(v.value, r);
    return inner === undefined ? undefined : `${v.tag} ${inner}`;
  }
  if (v instanceof Block) return undefined;
  if (Array.isArray(v)) {
    const parts = v.map((x) => yamlFlow(x, r));
    if (parts.some((p) => p === undefined)) return undefined;
    return `[${parts.join(', ')}]`;
  }
  if (v && typeof v === 'object') {
    const entries = Object.entries(v);
    if (entries.length > 3) return undefined;
    const parts = entries.map(([k, x]) => {
      const fx = yamlFlow(x, r);
      return fx === undefined ? undefined : `${yamlString(k, true, r)}: ${fx}`;
    });
    if (parts.some((p) => p === undefined)) return undefined;
    return `{${parts.join(', ')}}`;
  }
  if (typeof v === 'string') return yamlString(v, true, r);
  return String(v);
}

/**
 * @param {unknown} v value (not a scalar) @param {number} indent @param {Rng} r
 * @param {{ seqIndent: number }} style @param {string[]} out
 */
function yamlBlock(v, indent, r, style, out) {
  const pad = ' '.repeat(indent);
  if (Array.isArray(v)) {
    for (const item of v) {
      if (isScalar(item) || (item instanceof Block)) {
        out.push(`${pad}- ${yamlInline(item, indent + 2, r, style)}`);
        continue;
      }
      const flow = r.chance(0.1) ? yamlFlow(item, r) : undefined;
      if (flow !== undefined && flow.length < 60) {
        out.push(`${pad}- ${flow}`);
        continue;
      }
      if (item instanceof Tag || Array.isArray(item)) {
        const head = item instanceof Tag ? ` ${item.tag}` : '';
        out.push(`${pad}-${head}`);
        yamlBlock(item instanceof Tag ? item.value : item, indent + 2, r, style, out);
        continue;
      }
      // `- Key: v` then the other keys aligned under the first.
      const lines = [];
      yamlBlock(item, indent + 2, r, style, lines);
      if (lines.length === 0) {
        out.push(`${pad}- {}`);
        continue;
      }
      lines[0] = `${pad}- ${lines[0].slice(indent + 2)}`;
      out.push(...lines);
    }
    return;
  }
  if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (x === COMMENT) {
        out.push(`${pad}# ${k}`);
        continue;
      }
      const key = r.chance(0.25) ? yamlString(k, false, r) : yamlString(k, false, { ...r, chance: () => false });
      if (isScalar(x) || x instanceof Block) {
        out.push(`${pad}${key}: ${yamlInline(x, indent + 2, r, style)}`);
        continue;
      }
      const flow = r.chance(0.15) ? yamlFlow(x, r) : undefined;
      if (flow !== undefined && flow.length < 70) {
        out.push(`${pad}${key}: ${flow}`);
        continue;
      }
      const inner = x instanceof Tag ? x.value : x;
      if (inner instanceof Block || isScalar(inner)) {
        out.push(`${pad}${key}: ${yamlInline(x, indent + 2, r, style)}`);
        continue;
      }
      out.push(`${pad}${key}:${x instanceof Tag ? ` ${x.tag}` : ''}`);
      const childIndent = Array.isArray(inner) ? indent + style.seqIndent : indent + 2;
      if (Array.isArray(inner) && inner.length === 0) out[out.length - 1] += ' []';
      else if (!Array.isArray(inner) && Object.keys(/** @type {object} */ (inner)).length === 0) out[out.length - 1] += ' {}';
      else yamlBlock(inner, childIndent, r, style, out);
    }
  }
}

/** @param {unknown} v @param {number} indent @param {Rng} r @param {{ seqIndent: number }} style */
function yamlInline(v, indent, r, style) {
  if (v instanceof Tag) return `${v.tag} ${yamlInline(v.value, indent, r, style)}`;
  if (v instanceof Block) {
    const pad = ' '.repeat(indent);
    const body = v.text.replace(/\n$/, '').split('\n').map((l) => (l === '' ? '' : pad + l));
    return `|\n${body.join('\n')}`;
  }
  if (typeof v === 'string') return yamlString(v, false, r);
  if (Array.isArray(v) || (v && typeof v === 'object')) return yamlFlow(v, r) ?? '{}';
  return String(v);
}

/** @param {Record<string, unknown>} doc @param {Rng} r */
export function toYaml(doc, r) {
  const style = { seqIndent: r.chance(0.6) ? 2 : 0 };
  /** @type {string[]} */
  const out = [];
  for (const [k, v] of Object.entries(doc)) {
    if (v === COMMENT) {
      out.push(`# ${k}`);
      continue;
    }
    /** @type {string[]} */
    const lines = [];
    yamlBlock({ [k]: v }, 0, r, style, lines);
    out.push(...lines, '');
  }
  return out.join('\n');
}

/** @param {unknown} doc @param {number | undefined} indent */
export function toJson(doc, indent) {
  return JSON.stringify(longForm(doc), null, indent) + '\n';
}

// ---------------------------------------------------------------------------------------------
// The things in the files.

const WORDS = ['orders', 'billing', 'payments', 'catalog', 'search', 'ingest', 'reports', 'users', 'auth', 'notify', 'audit', 'media', 'export', 'metrics', 'gateway', 'inventory', 'shipping', 'ledger', 'pricing', 'profile'];
const ENVS = ['dev', 'staging', 'prod'];
const ORGS = ['acme', 'octo-org', 'initech', 'globex'];
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'];
const ACTIONS = [
  's3:GetObject', 's3:PutObject', 's3:ListBucket', 's3:DeleteObject', 's3:GetBucketLocation', 'dynamodb:GetItem', 'dynamodb:PutItem',
  'dynamodb:Query', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem', 'sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage',
  'sqs:GetQueueAttributes', 'logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'kms:Decrypt', 'kms:GenerateDataKey',
  'secretsmanager:GetSecretValue', 'ssm:GetParameter', 'ssm:GetParametersByPath', 'sns:Publish', 'lambda:InvokeFunction',
  'ecr:GetAuthorizationToken', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'cloudwatch:PutMetricData', 'xray:PutTraceSegments',
  'events:PutEvents', 'states:StartExecution', 'ec2:DescribeInstances', 'athena:StartQueryExecution', 'glue:GetTable', 'kinesis:PutRecord',
];
const WILDCARDS = ['s3:Get*', 's3:List*', 'dynamodb:Describe*', 'logs:*', 'cloudwatch:Get*'];
const TYPOS = ['s3:GetObjet', 'dynamodb:PutItems', 'sqs:SendMesage', 'logs:PutLogEvent'];
const SERVICES = ['lambda.amazonaws.com', 'ec2.amazonaws.com', 'ecs-tasks.amazonaws.com', 'states.amazonaws.com', 'events.amazonaws.com', 'codebuild.amazonaws.com'];
const ACCOUNT = () => '123456789012';

/** @param {Rng} r */
const name = (r) => r.pick(WORDS) + r.pick(['', 'Api', 'Worker', 'Processor', 'Store', 'Stream', 'Job', 'Sync']);
/** @param {string} s */
const pascal = (s) => s.replace(/(^|[-_])(\w)/g, (_m, _p, c) => c.toUpperCase());

/** @param {Rng} r @param {boolean} yaml */
function actions(r, yaml) {
  const n = r.range(1, 6);
  const out = new Set();
  for (let i = 0; i < n; i++) {
    const x = r.next();
    let a = x < 0.94 ? r.pick(ACTIONS) : x < 0.997 ? r.pick(WILDCARDS) : r.pick(TYPOS);
    if (r.chance(0.002)) a = a.toLowerCase();
    out.add(a);
  }
  const list = [...out];
  return list.length === 1 && r.chance(0.5) ? list[0] : yaml || r.chance(0.5) ? list : list;
}

/** @param {Rng} r @param {string[]} refs logical ids that resources may point at */
function resourceArn(r, refs) {
  const x = r.next();
  if (x < 0.3 && refs.length > 0) return new Tag('!GetAtt', `${r.pick(refs)}.Arn`);
  if (x < 0.6) return new Tag('!Sub', `arn:\${AWS::Partition}:s3:::\${${r.pick(['BucketName', 'ArtifactBucket', 'DataBucket'])}}/*`);
  if (x < 0.75) return new Tag('!Sub', 'arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/*');
  if (x < 0.85) return `arn:aws:dynamodb:${r.pick(REGIONS)}:${ACCOUNT()}:table/${r.pick(WORDS)}`;
  return '*';
}

/** @param {Rng} r @param {string[]} refs @param {number} i */
function identityStatement(r, refs, i) {
  /** @type {Record<string, unknown>} */
  const s = {};
  if (r.chance(0.4)) s.Sid = pascal(r.pick(WORDS)) + r.pick(['Read', 'Write', 'Access', 'Publish']) + i;
  s.Effect = r.chance(0.95) ? 'Allow' : 'Deny';
  s.Action = actions(r, true);
  const n = r.range(1, 3);
  s.Resource = n === 1 ? resourceArn(r, refs) : Array.from({ length: n }, () => resourceArn(r, refs));
  if (r.chance(0.15)) s.Condition = { StringEquals: { 'aws:SourceAccount': new Tag('!Ref', 'AWS::AccountId') } };
  return s;
}

/** A trust policy: mostly services; web identity (GitHub, EKS) now and then, rarely with a mistake. */
/** @param {Rng} r */
function trustPolicy(r) {
  const x = r.next();
  if (x < 0.7) {
    return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: r.chance(0.8) ? r.pick(SERVICES) : [r.pick(SERVICES), r.pick(SERVICES)] }, Action: 'sts:AssumeRole' }] };
  }
  if (x < 0.8) {
    return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: new Tag('!Sub', 'arn:aws:iam::${AWS::AccountId}:root') }, Action: 'sts:AssumeRole', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }] };
  }
  const org = r.pick(ORGS);
  if (x < 0.93) {
    /** @type {Record<string, unknown>} */
    const cond = {};
    const bad = r.next();
    if (bad > 0.08) cond.StringEquals = { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' };
    const sub = bad < 0.04 ? 'repo:*' : bad < 0.12 ? `repo:${org}/*` : `repo:${org}/${r.pick(WORDS)}:ref:refs/heads/main`;
    cond.StringLike = { 'token.actions.githubusercontent.com:sub': sub };
    return {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Federated: new Tag('!Sub', 'arn:aws:iam::${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com') }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: cond }],
    };
  }
  const id = 'EXAMPLED539D4633E53DE1B71EXAMPLE';
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: new Tag('!Sub', `arn:aws:iam::\${AWS::AccountId}:oidc-provider/oidc.eks.\${AWS::Region}.amazonaws.com/id/${id}`) },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { [`oidc.eks.eu-west-1.amazonaws.com/id/${id}:aud`]: 'sts.amazonaws.com', [`oidc.eks.eu-west-1.amazonaws.com/id/${id}:sub`]: `system:serviceaccount:${r.pick(WORDS)}:${r.pick(WORDS)}` } },
      },
    ],
  };
}

/** @param {Rng} r */
function pythonCode(r) {
  const lines = ['import json', 'import os', 'import boto3', '', `TABLE = os.environ["TABLE_NAME"]`, `client = boto3.client("${r.pick(['dynamodb', 's3', 'sqs', 'sns'])}")`, '', '', 'def handler(event, context):'];
  const n = r.range(4, 40);
  for (let i = 0; i < n; i++) {
    lines.push(
      r.pick([
        '    records = event.get("Records", [])',
        '    for record in records:',
        '        body = json.loads(record["body"])',
        `        client.put_item(TableName=TABLE, Item={"id": {"S": body["id"]}})`,
        '    print(json.dumps({"status": "ok", "count": len(records)}))',
        '    # keep the handler small: the work happens in the library',
        `    if event.get("source") == "aws.${r.pick(['events', 's3', 'sqs'])}":`,
        '        return {"statusCode": 200, "body": json.dumps(event)}',
      ]),
    );
  }
  lines.push('    return {"statusCode": 200}');
  return lines.join('\n') + '\n';
}

/** @param {Rng} r @param {string} id */
const tags = (r, id) => [
  { Key: 'Name', Value: new Tag('!Sub', `\${AWS::StackName}-${id}`) },
  { Key: 'team', Value: r.pick(WORDS) },
  ...(r.chance(0.5) ? [{ Key: 'cost-center', Value: String(r.range(1000, 9999)) }] : []),
];

/**
 * One CloudFormation resource (or a few that belong together), keyed by logical id.
 * @param {Rng} r @param {string[]} refs @param {number} n @returns {Record<string, unknown>}
 */
function cfnResources(r, refs, n) {
  const base = pascal(name(r)) + n;
  const x = r.next();
  const comment = r.chance(0.3) ? { [`${r.pick(['Owned by', 'Used by', 'See'])} the ${r.pick(WORDS)} team`]: COMMENT } : {};
  if (x < 0.22) {
    /** @type {Record<string, unknown>} */
    const props = { RoleName: new Tag('!Sub', `\${AWS::StackName}-${base.toLowerCase()}`), AssumeRolePolicyDocument: trustPolicy(r) };
    if (r.chance(0.5)) props.ManagedPolicyArns = ['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'];
    if (r.chance(0.8)) {
      props.Policies = Array.from({ length: r.range(1, 3) }, (_, i) => ({
        PolicyName: `${base.toLowerCase()}-${i}`,
        PolicyDocument: { Version: '2012-10-17', Statement: Array.from({ length: r.range(1, 5) }, (_, i) => identityStatement(r, refs, i)) },
      }));
    }
    if (r.chance(0.3)) props.Tags = tags(r, base);
    refs.push(`${base}Role`);
    return { ...comment, [`${base}Role`]: { Type: 'AWS::IAM::Role', Properties: props } };
  }
  if (x < 0.3) {
    return {
      ...comment,
      [`${base}Policy`]: {
        Type: 'AWS::IAM::ManagedPolicy',
        Properties: { Description: `Access for the ${base} service`, PolicyDocument: { Version: '2012-10-17', Statement: Array.from({ length: r.range(1, 6) }, (_, i) => identityStatement(r, refs, i)) } },
      },
    };
  }
  if (x < 0.45) {
    refs.push(`${base}Function`);
    return {
      ...comment,
      [`${base}Function`]: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          FunctionName: new Tag('!Sub', `\${AWS::StackName}-${base}`),
          Runtime: r.pick(['python3.12', 'python3.11', 'nodejs20.x']),
          Handler: 'index.handler',
          MemorySize: r.pick([128, 256, 512, 1024]),
          Timeout: r.range(3, 900),
          Role: new Tag('!GetAtt', `${refs.find((f) => f.endsWith('Role')) ?? base + 'Role'}.Arn`),
          Code: r.chance(0.6) ? { ZipFile: new Block(pythonCode(r)) } : { S3Bucket: new Tag('!Ref', 'ArtifactBucket'), S3Key: `lambda/${base}.zip` },
          Environment: { Variables: { TABLE_NAME: new Tag('!Ref', `${base}Table`), STAGE: new Tag('!Ref', 'Environment'), LOG_LEVEL: r.pick(['INFO', 'DEBUG']) } },
          Tags: tags(r, base),
        },
      },
    };
  }
  if (x < 0.57) {
    refs.push(`${base}Bucket`);
    const bucket = {
      Type: 'AWS::S3::Bucket',
      DeletionPolicy: 'Retain',
      Properties: {
        BucketName: new Tag('!Sub', `\${AWS::StackName}-${base.toLowerCase()}-\${AWS::AccountId}`),
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: new Tag('!Ref', 'DataKey') } }] },
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        LifecycleConfiguration: { Rules: Array.from({ length: r.range(1, 4) }, (_, i) => ({ Id: `rule-${i}`, Status: 'Enabled', ExpirationInDays: r.range(7, 3650), Prefix: `${r.pick(WORDS)}/` })) },
        Tags: tags(r, base),
      },
    };
    if (!r.chance(0.5)) return { ...comment, [`${base}Bucket`]: bucket };
    return {
      ...comment,
      [`${base}Bucket`]: bucket,
      [`${base}BucketPolicy`]: {
        Type: 'AWS::S3::BucketPolicy',
        Properties: {
          Bucket: new Tag('!Ref', `${base}Bucket`),
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              { Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [new Tag('!GetAtt', `${base}Bucket.Arn`), new Tag('!Sub', `\${${base}Bucket.Arn}/*`)], Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
              { Effect: 'Allow', Principal: { Service: 'cloudfront.amazonaws.com' }, Action: 's3:GetObject', Resource: new Tag('!Sub', `\${${base}Bucket.Arn}/*`) },
            ],
          },
        },
      },
    };
  }
  if (x < 0.66) {
    refs.push(`${base}Queue`);
    return {
      ...comment,
      [`${base}Queue`]: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: r.range(30, 900), MessageRetentionPeriod: 1209600, RedrivePolicy: { deadLetterTargetArn: new Tag('!GetAtt', `${base}Dlq.Arn`), maxReceiveCount: 5 } } },
      [`${base}Dlq`]: { Type: 'AWS::SQS::Queue', Properties: { MessageRetentionPeriod: 1209600 } },
      [`${base}QueuePolicy`]: {
        Type: 'AWS::SQS::QueuePolicy',
        Properties: {
          Queues: [new Tag('!Ref', `${base}Queue`)],
          PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: new Tag('!GetAtt', `${base}Queue.Arn`), Condition: { ArnEquals: { 'aws:SourceArn': new Tag('!Ref', 'AlertsTopic') } } }] },
        },
      },
    };
  }
  if (x < 0.74) {
    return {
      ...comment,
      [`${base}Table`]: {
        Type: 'AWS::DynamoDB::Table',
        Properties: {
          TableName: new Tag('!Sub', `\${Environment}-${base.toLowerCase()}`),
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }, { AttributeName: 'gsi1pk', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
          GlobalSecondaryIndexes: [{ IndexName: 'gsi1', KeySchema: [{ AttributeName: 'gsi1pk', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: new Tag('!If', ['IsProd', true, false]) },
          SSESpecification: { SSEEnabled: true },
        },
      },
    };
  }
  if (x < 0.82) {
    return {
      ...comment,
      [`${base}SecurityGroup`]: {
        Type: 'AWS::EC2::SecurityGroup',
        Properties: {
          GroupDescription: `Traffic for ${base}`,
          VpcId: { 'Fn::ImportValue': new Tag('!Sub', '${NetworkStack}-VpcId') },
          SecurityGroupIngress: Array.from({ length: r.range(1, 6) }, () => ({ IpProtocol: 'tcp', FromPort: r.pick([80, 443, 5432, 6379, 8080]), ToPort: r.pick([80, 443, 5432, 6379, 8080]), CidrIp: `10.${r.range(0, 255)}.0.0/16`, Description: `from the ${r.pick(WORDS)} subnet` })),
          Tags: tags(r, base),
        },
      },
    };
  }
  if (x < 0.88) {
    const definition = JSON.stringify(
      { Comment: `${base} workflow`, StartAt: 'Process', States: { Process: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: '${FunctionArn}', 'Payload.$': '$' }, Next: 'Done' }, Done: { Type: 'Succeed' } } },
      null,
      2,
    );
    return {
      ...comment,
      [`${base}StateMachine`]: {
        Type: 'AWS::StepFunctions::StateMachine',
        Properties: { RoleArn: new Tag('!GetAtt', `${refs.find((f) => f.endsWith('Role')) ?? base + 'Role'}.Arn`), DefinitionString: new Tag('!Sub', new Block(definition + '\n')) },
      },
    };
  }
  if (x < 0.94) {
    return {
      ...comment,
      [`${base}Key`]: {
        Type: 'AWS::KMS::Key',
        Properties: {
          Description: `Key for ${base}`,
          EnableKeyRotation: true,
          KeyPolicy: {
            Version: '2012-10-17',
            Statement: [
              { Sid: 'EnableRootAccess', Effect: 'Allow', Principal: { AWS: new Tag('!Sub', 'arn:aws:iam::${AWS::AccountId}:root') }, Action: 'kms:*', Resource: '*' },
              { Sid: 'AllowUse', Effect: 'Allow', Principal: { AWS: new Tag('!GetAtt', `${refs.find((f) => f.endsWith('Role')) ?? base + 'Role'}.Arn`) }, Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: '*' },
            ],
          },
        },
      },
    };
  }
  return {
    ...comment,
    [`${base}Rule`]: {
      Type: 'AWS::Events::Rule',
      Properties: {
        Description: `Routes ${r.pick(WORDS)} events`,
        EventPattern: { source: [`com.acme.${r.pick(WORDS)}`], 'detail-type': ['Created', 'Updated'], detail: { status: ['ACTIVE', 'PENDING'] } },
        State: new Tag('!If', ['IsProd', 'ENABLED', 'DISABLED']),
        Targets: [{ Arn: new Tag('!GetAtt', `${refs.find((f) => f.endsWith('Function')) ?? base + 'Function'}.Arn`), Id: `${base}Target` }],
      },
    },
  };
}

/** @param {Rng} r @param {number} targetBytes @param {boolean} yaml */
function cloudFormation(r, targetBytes, yaml) {
  const sam = r.chance(0.15);
  /** @type {Record<string, unknown>} */
  const doc = {};
  if (yaml && r.chance(0.5)) doc[`${pascal(r.pick(WORDS))} stack: owned by the platform team`] = COMMENT;
  doc.AWSTemplateFormatVersion = '2010-09-09';
  if (sam) doc.Transform = 'AWS::Serverless-2016-10-31';
  doc.Description = `${pascal(r.pick(WORDS))} service: ${r.pick(['API and workers', 'data pipeline', 'deployment roles', 'storage and queues'])}`;
  doc.Parameters = {
    Environment: { Type: 'String', AllowedValues: ENVS, Default: 'dev' },
    ArtifactBucket: { Type: 'String', Default: `${r.pick(ORGS)}-artifacts` },
    BucketName: { Type: 'String', Default: `${r.pick(ORGS)}-${r.pick(WORDS)}-data` },
    NetworkStack: { Type: 'String', Default: 'network' },
  };
  doc.Conditions = { IsProd: new Tag('!Equals', [new Tag('!Ref', 'Environment'), 'prod']) };
  doc.Mappings = { RegionMap: Object.fromEntries(REGIONS.slice(0, r.range(2, 5)).map((g) => [g, { Ami: `ami-${r.range(1e7, 9e7).toString(16)}`, Size: r.pick(['t3.micro', 't3.small']) }])) };
  /** @type {Record<string, unknown>} */
  const resources = {};
  doc.Resources = resources;
  /** @type {string[]} */
  const refs = [];
  let n = 0;
  // Resources are added until the template reaches its size; about 1.1 KB each in YAML.
  const perResource = yaml ? 1350 : 2300;
  const count = Math.max(1, Math.round(targetBytes / perResource));
  for (; n < count; n++) Object.assign(resources, cfnResources(r, refs, n));
  if (sam) {
    resources[`Api${n}Function`] = {
      Type: 'AWS::Serverless::Function',
      Properties: {
        Handler: 'app.handler',
        Runtime: 'python3.12',
        CodeUri: 'src/',
        Policies: [{ S3ReadPolicy: { BucketName: new Tag('!Ref', 'BucketName') } }, { Statement: [identityStatement(r, refs, 0)] }],
        Events: { Api: { Type: 'Api', Properties: { Path: '/items', Method: 'get' } } },
      },
    };
  }
  doc.Outputs = Object.fromEntries(
    refs.slice(0, 8).map((id) => [`${id}Arn`, { Description: `ARN of ${id}`, Value: new Tag('!GetAtt', `${id}.Arn`), Export: { Name: new Tag('!Sub', `\${AWS::StackName}-${id}Arn`) } }]),
  );
  return doc;
}

/**
 * One CloudFormation template as text (for tests): YAML with short-form tags, or JSON.
 * @param {number} seed @param {number} targetBytes @param {'yaml' | 'json'} format
 */
export function templateText(seed, targetBytes, format) {
  const r = rng(seed);
  const doc = cloudFormation(r, targetBytes, format === 'yaml');
  return format === 'yaml' ? toYaml(doc, r) : toJson(doc, 2);
}

/** @param {Rng} r @param {string} kind */
function policyDocument(r, kind) {
  if (kind === 'trust') return longForm(trustPolicy(r));
  return { Version: '2012-10-17', Statement: Array.from({ length: r.range(1, 5) }, (_, i) => longForm(identityStatement(r, [], i))) };
}

/** Terraform JSON (`*.tf.json`): roles with policies as JSON strings and policy documents. @param {Rng} r @param {number} targetBytes */
function terraformJson(r, targetBytes) {
  /** @type {Record<string, Record<string, unknown>>} */
  const resource = {};
  /** @type {Record<string, unknown>} */
  const data = {};
  const add = (/** @type {string} */ type, /** @type {string} */ id, /** @type {unknown} */ body) => ((resource[type] ??= {})[id] = body);
  const count = Math.max(1, Math.round(targetBytes / 1500));
  for (let i = 0; i < count; i++) {
    const id = `${r.pick(WORDS)}_${i}`;
    const x = r.next();
    if (x < 0.3) {
      const linked = r.chance(0.4);
      add('aws_iam_role', id, { name: id, assume_role_policy: linked ? `\${data.aws_iam_policy_document.${id}_trust.json}` : JSON.stringify(tfPolicy(r, 'trust')), tags: { team: r.pick(WORDS) } });
      if (linked) {
        const aws = /** @type {{ Statement: Array<Record<string, unknown>> }} */ (tfPolicy(r, 'trust'));
        data.aws_iam_policy_document = { ...(/** @type {object} */ (data.aws_iam_policy_document) ?? {}), [`${id}_trust`]: { statement: aws.Statement.map(toTfStatement) } };
      }
      add('aws_iam_role_policy', id, { name: id, role: `\${aws_iam_role.${id}.id}`, policy: JSON.stringify(tfPolicy(r, 'identity')) });
    } else if (x < 0.45) {
      add('aws_iam_policy', id, { name: id, description: `policy for ${id}`, policy: JSON.stringify(tfPolicy(r, 'identity'), null, r.chance(0.5) ? 2 : undefined) });
    } else if (x < 0.7) {
      add('aws_s3_bucket', id, { bucket: `${r.pick(ORGS)}-${id}`.replace(/_/g, '-'), tags: { team: r.pick(WORDS), env: r.pick(ENVS) } });
      add('aws_s3_bucket_versioning', id, { bucket: `\${aws_s3_bucket.${id}.id}`, versioning_configuration: { status: 'Enabled' } });
    } else if (x < 0.85) {
      add('aws_lambda_function', id, { function_name: id, role: `\${aws_iam_role.${id}.arn}`, handler: 'index.handler', runtime: 'nodejs20.x', filename: `build/${id}.zip`, environment: { variables: { STAGE: '${var.environment}', TABLE: id } } });
    } else {
      add('aws_security_group', id, { name: id, vpc_id: '${var.vpc_id}', ingress: Array.from({ length: r.range(1, 4) }, () => ({ from_port: 443, to_port: 443, protocol: 'tcp', cidr_blocks: [`10.${r.range(0, 255)}.0.0/16`], description: 'https', ipv6_cidr_blocks: [], prefix_list_ids: [], security_groups: [], self: false })) });
    }
  }
  /** @type {Record<string, unknown>} */
  const doc = { terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: '~> 5.0' } } }, variable: { environment: { type: 'string', default: 'dev' }, vpc_id: { type: 'string' } }, resource };
  if (data.aws_iam_policy_document) doc.data = data;
  return doc;
}

/** @param {Rng} r @param {string} kind */
function tfPolicy(r, kind) {
  const doc = /** @type {{ Statement: Array<Record<string, unknown>> }} */ (policyDocument(r, kind));
  // Terraform has no CloudFormation intrinsics: write them as the interpolations Terraform uses.
  const intrinsic = (/** @type {unknown} */ v) => v && typeof v === 'object' && !Array.isArray(v) && ('Fn::Sub' in v || 'Fn::GetAtt' in v || 'Ref' in v);
  return JSON.parse(
    JSON.stringify(doc, (k, v) => {
      if (!intrinsic(v)) return v;
      const sub = /** @type {Record<string, unknown>} */ (v)['Fn::Sub'];
      if (k === 'Federated' && typeof sub === 'string') return sub.replace('${AWS::AccountId}', ACCOUNT()).replace('${AWS::Region}', 'eu-west-1');
      if (k === 'AWS') return `arn:aws:iam::${ACCOUNT()}:root`;
      return k === 'aws:SourceAccount' ? ACCOUNT() : '${aws_s3_bucket.data.arn}/*';
    }),
  );
}

/** @param {Record<string, unknown>} s */
function toTfStatement(s) {
  /** @type {Record<string, unknown>} */
  const out = { effect: s.Effect, actions: [s.Action].flat() };
  const p = /** @type {Record<string, unknown> | undefined} */ (s.Principal);
  if (p && typeof p === 'object') out.principals = Object.entries(p).map(([type, ids]) => ({ type, identifiers: [ids].flat() }));
  const c = /** @type {Record<string, Record<string, unknown>> | undefined} */ (s.Condition);
  if (c) out.condition = Object.entries(c).flatMap(([test, kv]) => Object.entries(kv).map(([variable, values]) => ({ test, variable, values: [values].flat() })));
  return out;
}

/** `terraform show -json` of a plan. @param {Rng} r @param {number} targetBytes */
function terraformPlan(r, targetBytes) {
  const resources = [];
  const changes = [];
  const count = Math.max(1, Math.round(targetBytes / 2600));
  for (let i = 0; i < count; i++) {
    const id = `${r.pick(WORDS)}_${i}`;
    const role = r.chance(0.4);
    const type = role ? 'aws_iam_role' : r.pick(['aws_s3_bucket', 'aws_sqs_queue', 'aws_cloudwatch_log_group', 'aws_iam_policy']);
    const values = role
      ? { arn: `arn:aws:iam::${ACCOUNT()}:role/${id}`, assume_role_policy: JSON.stringify(tfPolicy(r, 'trust')), description: '', force_detach_policies: false, inline_policy: [{ name: id, policy: JSON.stringify(tfPolicy(r, 'identity')) }], managed_policy_arns: [], max_session_duration: 3600, name: id, path: '/', permissions_boundary: null, tags: { team: r.pick(WORDS) }, tags_all: { team: r.pick(WORDS), env: r.pick(ENVS) } }
      : type === 'aws_iam_policy'
        ? { arn: null, description: id, name: id, path: '/', policy: JSON.stringify(tfPolicy(r, 'identity')), tags: null }
        : { arn: null, name: id, tags: { team: r.pick(WORDS) }, tags_all: { team: r.pick(WORDS) }, retention_in_days: r.pick([7, 30, 90]), kms_key_id: null };
    const address = `${type}.${id}`;
    resources.push({ address, mode: 'managed', type, name: id, provider_name: 'registry.terraform.io/hashicorp/aws', schema_version: 0, values, sensitive_values: { tags: {}, tags_all: {} } });
    changes.push({ address, mode: 'managed', type, name: id, provider_name: 'registry.terraform.io/hashicorp/aws', change: { actions: [r.pick(['create', 'update', 'no-op'])], before: null, after: values, after_unknown: { arn: true, id: true }, before_sensitive: false, after_sensitive: { tags: {} } } });
  }
  const half = Math.floor(resources.length / 2);
  return {
    format_version: '1.2',
    terraform_version: '1.9.5',
    planned_values: { root_module: { resources: resources.slice(0, half), child_modules: [{ address: 'module.app', resources: resources.slice(half) }] } },
    resource_changes: changes,
    configuration: { provider_config: { aws: { name: 'aws', full_name: 'registry.terraform.io/hashicorp/aws', expressions: { region: { constant_value: r.pick(REGIONS) } } } } },
    timestamp: '2025-06-01T12:00:00Z',
    errored: false,
  };
}

/** Files that are not ours: workflows, Kubernetes manifests, package manifests. @param {Rng} r @param {number} i */
function notOurs(r, i) {
  const x = r.next();
  if (x < 0.35) {
    return [`.github/workflows/ci-${i}.yml`, `name: CI\non:\n  push:\n    branches: [main]\n  pull_request:\npermissions:\n  id-token: write\n  contents: read\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: actions/setup-node@v4\n        with:\n          node-version: 20\n      - run: npm ci\n      - run: npm test\n      - uses: aws-actions/configure-aws-credentials@v4\n        with:\n          role-to-assume: arn:aws:iam::${ACCOUNT()}:role/${r.pick(WORDS)}-deploy\n          aws-region: ${r.pick(REGIONS)}\n`];
  }
  if (x < 0.7) {
    const docs = [];
    for (let k = 0; k < r.range(1, 4); k++) {
      const app = r.pick(WORDS);
      docs.push(`apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${app}\n  labels:\n    app: ${app}\nspec:\n  replicas: ${r.range(1, 5)}\n  selector:\n    matchLabels:\n      app: ${app}\n  template:\n    metadata:\n      labels:\n        app: ${app}\n    spec:\n      serviceAccountName: ${app}\n      containers:\n        - name: ${app}\n          image: "${ACCOUNT()}.dkr.ecr.eu-west-1.amazonaws.com/${app}:1.${r.range(0, 40)}.0"\n          ports:\n            - containerPort: 8080\n          env:\n            - name: LOG_LEVEL\n              value: info\n          resources:\n            limits: {cpu: 500m, memory: 512Mi}\n`);
    }
    return [`k8s/${r.pick(WORDS)}-${i}.yaml`, docs.join('---\n')];
  }
  if (x < 0.85) {
    return [`packages/${r.pick(WORDS)}-${i}/package.json`, JSON.stringify({ name: `@acme/${r.pick(WORDS)}-${i}`, version: `1.${r.range(0, 20)}.0`, private: true, scripts: { build: 'tsc -p .', test: 'vitest run' }, dependencies: { '@aws-sdk/client-s3': '^3.600.0', zod: '^3.23.0' } }, null, 2) + '\n'];
  }
  return [`packages/${r.pick(WORDS)}-${i}/tsconfig.json`, JSON.stringify({ extends: '../../tsconfig.base.json', compilerOptions: { outDir: 'dist', rootDir: 'src' }, include: ['src'] }, null, 2) + '\n'];
}

/** Log-uniform size in bytes, skewed towards the small end (most templates are small). */
/** @param {Rng} r @param {number} lo @param {number} hi @param {number} skew */
function size(r, lo, hi, skew) {
  return Math.round(Math.exp(Math.log(lo) + Math.pow(r.next(), skew) * (Math.log(hi) - Math.log(lo))));
}

/**
 * Writes the corpus; returns what it wrote.
 * @param {{ out: string, scale?: number, seed?: number }} opts
 */
export function generateCorpus(opts) {
  const scale = opts.scale ?? 1;
  const seed = opts.seed ?? 1;
  rmSync(opts.out, { recursive: true, force: true });
  mkdirSync(opts.out, { recursive: true });
  const r = rng(seed);
  const total = Math.max(1, Math.round(2000 * scale));
  /** @type {Record<string, { files: number, bytes: number }>} */
  const byKind = {};
  let bytes = 0;
  const write = (/** @type {string} */ kind, /** @type {string} */ rel, /** @type {string} */ text) => {
    const file = join(opts.out, rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    const n = Buffer.byteLength(text);
    bytes += n;
    const k = (byKind[kind] ??= { files: 0, bytes: 0 });
    k.files++;
    k.bytes += n;
  };
  for (let i = 0; i < total; i++) {
    const svc = `services/${WORDS[i % WORDS.length]}-${Math.floor(i / WORDS.length) % Math.max(1, Math.round(10 * scale))}`;
    const x = r.next();
    const fileRng = rng(seed * 1_000_003 + i);
    if (x < 0.36) {
      const doc = cloudFormation(fileRng, size(fileRng, 2_000, 500_000, 2.4), true);
      write('cloudformation-yaml', `${svc}/cfn/${i}-${fileRng.pick(['stack', 'roles', 'app', 'pipeline'])}.${fileRng.chance(0.8) ? 'yaml' : 'yml'}`, toYaml(doc, fileRng));
    } else if (x < 0.48) {
      const doc = cloudFormation(fileRng, size(fileRng, 2_000, 300_000, 2.4), false);
      const minified = fileRng.chance(0.4);
      write('cloudformation-json', minified ? `${svc}/cdk.out/Stack${i}.template.json` : `${svc}/cfn/${i}-template.json`, toJson(doc, minified ? 1 : 2));
    } else if (x < 0.65) {
      write('terraform-json', `${svc}/terraform/${i}-main.tf.json`, toJson(terraformJson(fileRng, size(fileRng, 1_000, 60_000, 2)), 2));
    } else if (x < 0.67) {
      write('terraform-plan', `${svc}/terraform/plans/${i}-plan.json`, toJson(terraformPlan(fileRng, size(fileRng, 10_000, 800_000, 1.5)), fileRng.chance(0.5) ? undefined : 2));
    } else if (x < 0.87) {
      const kind = fileRng.pick(['trust', 'identity', 'identity']);
      const doc = policyDocument(fileRng, kind);
      if (fileRng.chance(0.8)) write('policy-json', `${svc}/policies/${i}-${kind}.json`, toJson(doc, 2));
      else write('policy-yaml', `${svc}/policies/${i}-${kind}.yaml`, toYaml(/** @type {Record<string, unknown>} */ (doc), fileRng));
    } else {
      const [rel, text] = notOurs(fileRng, i);
      write('not-ours', `${svc}/${rel}`, text);
    }
  }
  return { files: total, bytes, byKind };
}

const STAMP = '.complete.json';

/**
 * The corpus of a seed and scale under `base`, generated on first use and reused while the
 * generator is unchanged (a stamp file records its statistics once it is complete).
 * @param {string} base @param {number} scale @param {number} seed
 * @returns {{ dir: string, generated: boolean, files: number, bytes: number, byKind: Record<string, { files: number, bytes: number }> }}
 */
export function cachedCorpus(base, scale, seed) {
  const dir = join(base, `corpus-v${GENERATOR_VERSION}-seed${seed}-scale${scale}`);
  const stamp = join(dir, STAMP);
  if (existsSync(stamp)) return { dir, generated: false, ...JSON.parse(readFileSync(stamp, 'utf8')) };
  const stats = generateCorpus({ out: dir, scale, seed });
  writeFileSync(stamp, JSON.stringify(stats));
  return { dir, generated: true, ...stats };
}

/**
 * Every file of a corpus directory, sorted, without the stamp.
 * @param {string} dir @returns {string[]}
 */
export function corpusFiles(dir) {
  /** @type {string[]} */
  const out = [];
  const walk = (/** @type {string} */ d) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name !== STAMP) out.push(p);
    }
  };
  walk(dir);
  return out;
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const args = process.argv.slice(2);
  const opt = (/** @type {string} */ flag, /** @type {string} */ dflt) => {
    const i = args.indexOf(flag);
    return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : dflt;
  };
  const out = opt('--out', join(tmpdir(), 'trustlint-bench', 'corpus'));
  const t0 = performance.now();
  const res = generateCorpus({ out, scale: Number(opt('--scale', '1')), seed: Number(opt('--seed', '1')) });
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  console.log(`${res.files} files, ${(res.bytes / 1e6).toFixed(1)} MB in ${out} (${secs} s)`);
  for (const [k, v] of Object.entries(res.byKind)) console.log(`  ${k.padEnd(20)} ${String(v.files).padStart(6)} files ${(v.bytes / 1e6).toFixed(1).padStart(7)} MB`);
}
