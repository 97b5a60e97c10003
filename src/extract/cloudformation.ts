/**
 * CloudFormation and SAM templates (YAML or JSON): every policy document, with intrinsic functions
 * resolved as far as the template determines them.
 */
import { get, getEntry, stringValue, type Node, type ObjectNode, type ScalarNode } from '../parsers/tree.js';
import type { SourceFile } from '../parsers/source.js';
import { buildPolicy, looksLikePolicy, toLString, toValueList, type Resolution, type Resolver } from '../model/build.js';
import { TemplateBuilder } from '../model/template.js';
import type { OidcProviderDefinition, Path, PolicyDocument, PolicyKind } from '../model/types.js';
import { embeddedPolicy, type ExtractContext } from './common.js';

interface PolicyProperty {
  property: string;
  kind: PolicyKind;
  /** `Policies: [{PolicyName, PolicyDocument}]` (IAM) or SAM's mixed list. */
  shape?: 'iam-policies' | 'sam-policies';
}

/** Where each resource type keeps its policy documents. */
export const CFN_POLICY_PROPERTIES: Record<string, PolicyProperty[]> = {
  'AWS::IAM::Role': [
    { property: 'AssumeRolePolicyDocument', kind: 'trust' },
    { property: 'Policies', kind: 'identity', shape: 'iam-policies' },
  ],
  'AWS::IAM::User': [{ property: 'Policies', kind: 'identity', shape: 'iam-policies' }],
  'AWS::IAM::Group': [{ property: 'Policies', kind: 'identity', shape: 'iam-policies' }],
  'AWS::IAM::Policy': [{ property: 'PolicyDocument', kind: 'identity' }],
  'AWS::IAM::ManagedPolicy': [{ property: 'PolicyDocument', kind: 'identity' }],
  'AWS::IAM::RolePolicy': [{ property: 'PolicyDocument', kind: 'identity' }],
  'AWS::IAM::UserPolicy': [{ property: 'PolicyDocument', kind: 'identity' }],
  'AWS::IAM::GroupPolicy': [{ property: 'PolicyDocument', kind: 'identity' }],
  'AWS::S3::BucketPolicy': [{ property: 'PolicyDocument', kind: 'resource' }],
  'AWS::S3Express::BucketPolicy': [{ property: 'PolicyDocument', kind: 'resource' }],
  'AWS::S3::AccessPoint': [{ property: 'Policy', kind: 'resource' }],
  'AWS::SQS::QueuePolicy': [{ property: 'PolicyDocument', kind: 'resource' }],
  'AWS::SQS::QueueInlinePolicy': [{ property: 'PolicyDocument', kind: 'resource' }],
  'AWS::SNS::TopicPolicy': [{ property: 'PolicyDocument', kind: 'resource' }],
  'AWS::SNS::TopicInlinePolicy': [{ property: 'PolicyDocument', kind: 'resource' }],
  'AWS::KMS::Key': [{ property: 'KeyPolicy', kind: 'resource' }],
  'AWS::KMS::ReplicaKey': [{ property: 'KeyPolicy', kind: 'resource' }],
  'AWS::SecretsManager::ResourcePolicy': [{ property: 'ResourcePolicy', kind: 'resource' }],
  'AWS::ECR::Repository': [{ property: 'RepositoryPolicyText', kind: 'resource' }],
  'AWS::ECR::RegistryPolicy': [{ property: 'PolicyText', kind: 'resource' }],
  'AWS::OpenSearchService::Domain': [{ property: 'AccessPolicies', kind: 'resource' }],
  'AWS::Elasticsearch::Domain': [{ property: 'AccessPolicies', kind: 'resource' }],
  'AWS::EFS::FileSystem': [{ property: 'FileSystemPolicy', kind: 'resource' }],
  'AWS::Backup::BackupVault': [{ property: 'AccessPolicy', kind: 'resource' }],
  'AWS::Logs::ResourcePolicy': [{ property: 'PolicyDocument', kind: 'resource' }],
  'AWS::Serverless::Function': [
    { property: 'AssumeRolePolicyDocument', kind: 'trust' },
    { property: 'Policies', kind: 'identity', shape: 'sam-policies' },
  ],
  'AWS::Serverless::StateMachine': [{ property: 'Policies', kind: 'identity', shape: 'sam-policies' }],
};

const PSEUDO = /^AWS::(AccountId|NotificationARNs|NoValue|Partition|Region|StackId|StackName|URLSuffix)$/;

export function isCloudFormation(root: Node | undefined): root is ObjectNode {
  if (!root || root.type !== 'object') return false;
  if (getEntry(root, 'AWSTemplateFormatVersion')) return true;
  const resources = get(root, 'Resources');
  if (!resources || resources.type !== 'object') return false;
  return resources.entries.some((e) => /^(AWS|Custom|Alexa)::/.test(stringValue(get(e.value, 'Type')) ?? ''));
}

/** Resolves CloudFormation intrinsics against the template's parameters, mappings and OIDC providers. */
export class CfnResolver implements Resolver {
  private readonly params = new Map<string, Node | undefined>();
  private readonly listParams = new Set<string>();
  private readonly mappings: Node | undefined;
  private readonly resources: Node | undefined;
  private readonly oidcCache = new Map<string, Resolution | undefined>();
  private depth = 0;

  constructor(root: ObjectNode) {
    const params = get(root, 'Parameters');
    if (params?.type === 'object') {
      for (const e of params.entries) {
        // A list parameter (`CommaDelimitedList`, `List<...>`) stands for several values: not one string.
        const type = stringValue(get(e.value, 'Type')) ?? '';
        if (/^(CommaDelimitedList|List<)/.test(type) || type.includes('::List<')) this.listParams.add(e.key);
        this.params.set(e.key, get(e.value, 'Default'));
      }
    }
    this.mappings = get(root, 'Mappings');
    this.resources = get(root, 'Resources');
  }

  resolve(node: Node, path: Path): Resolution | undefined {
    if (node.type !== 'object' || node.entries.length !== 1) return undefined;
    const { key, value } = node.entries[0];
    if (key !== 'Ref' && key !== 'Condition' && !key.startsWith('Fn::')) return undefined;
    if (this.depth > 50) return { value: this.display(node), unknown: true };
    this.depth++;
    try {
      return this.intrinsic(key, value, node, path);
    } finally {
      this.depth--;
    }
  }

  private display(node: Node): string {
    if (node.type === 'object' && node.entries.length === 1) {
      const { key, value } = node.entries[0];
      const arg = value.type === 'scalar' ? String(value.value) : '...';
      return `${key === 'Ref' ? '!Ref' : '!' + key.replace('Fn::', '')} ${arg}`;
    }
    return '...';
  }

  private str(node: Node, path: Path): Resolution | undefined {
    const s = toLString(node, path, this);
    return s ? { value: s.value, holes: s.holes, unknown: s.unknown } : undefined;
  }

  private intrinsic(fn: string, arg: Node, node: Node, path: Path): Resolution {
    const unknown: Resolution = { value: this.display(node), unknown: true };
    const argRange = arg.type === 'scalar' ? arg.range : undefined;
    switch (fn) {
      case 'Ref': {
        const name = stringValue(arg);
        if (!name) return unknown;
        const r = this.ref(name);
        return r ? { ...r, range: argRange } : unknown;
      }
      case 'Fn::GetAtt': {
        const parts = arg.type === 'array' ? arg.items.map(stringValue) : (stringValue(arg) ?? '').split(/\.(.*)/s, 2);
        const [res, attr] = parts;
        if (res && attr === 'Arn') {
          const arn = this.oidcArn(res);
          if (arn) return { ...arn, range: argRange };
        }
        return unknown;
      }
      case 'Fn::Sub': {
        let tmpl: Node | undefined = arg;
        let vars: Node | undefined;
        if (arg.type === 'array') [tmpl, vars] = arg.items;
        const text = stringValue(tmpl);
        if (text === undefined || !tmpl) return unknown;
        const r = this.sub(text, vars, path);
        return { ...r, range: tmpl.range };
      }
      case 'Fn::Join': {
        if (arg.type !== 'array' || arg.items.length !== 2) return unknown;
        const delim = stringValue(arg.items[0]);
        const list = arg.items[1];
        if (delim === undefined || list.type !== 'array') return unknown;
        const b = new TemplateBuilder();
        list.items.forEach((item, i) => {
          if (i > 0) b.text(delim);
          const r = this.str(item, path);
          if (!r) b.unknown = true;
          else b.append(r);
        });
        return b.unknown ? unknown : b.build();
      }
      case 'Fn::Select': {
        if (arg.type !== 'array' || arg.items.length !== 2) return unknown;
        const idx = Number(arg.items[0].type === 'scalar' ? arg.items[0].value : NaN);
        const list = arg.items[1];
        if (list.type !== 'array' || !Number.isInteger(idx) || !list.items[idx]) return unknown;
        return this.str(list.items[idx], path) ?? unknown;
      }
      case 'Fn::FindInMap': {
        if (arg.type !== 'array' || arg.items.length < 3) return unknown;
        const keys = arg.items.slice(0, 3).map((k) => this.str(k, path));
        if (keys.some((k) => !k || k.unknown || (k.holes && k.holes.length > 0))) return unknown;
        const v = get(get(get(this.mappings, keys[0]!.value), keys[1]!.value), keys[2]!.value);
        return (v && this.str(v, path)) ?? unknown;
      }
      case 'Fn::If': {
        // The same value either way (a provider created here or passed in by ARN): the condition
        // does not matter for what the policy says.
        if (arg.type !== 'array' || arg.items.length !== 3) return unknown;
        const [a, b] = [this.str(arg.items[1], path), this.str(arg.items[2], path)];
        if (!a || !b || a.unknown || b.unknown || a.value !== b.value) return unknown;
        if (JSON.stringify(a.holes ?? []) !== JSON.stringify(b.holes ?? [])) return unknown;
        return { value: a.value, holes: a.holes };
      }
      default:
        return unknown;
    }
  }

  private ref(name: string): Resolution | undefined {
    if (PSEUDO.test(name)) {
      if (name === 'AWS::NoValue') return undefined;
      return new TemplateBuilder().hole(`\${${name}}`).build();
    }
    if (this.params.has(name)) {
      if (this.listParams.has(name)) return { value: `\${${name}}`, unknown: true };
      const def = this.params.get(name);
      if (def && def.type === 'scalar' && def.value !== null) return this.str(def, []);
      return new TemplateBuilder().hole(`\${${name}}`).build();
    }
    return this.oidcArn(name);
  }

  /** The ARN of an `AWS::IAM::OIDCProvider` defined in this template. */
  oidcArn(logicalId: string): Resolution | undefined {
    if (this.oidcCache.has(logicalId)) return this.oidcCache.get(logicalId);
    this.oidcCache.set(logicalId, undefined);
    const res = get(this.resources, logicalId);
    if (stringValue(get(res, 'Type')) !== 'AWS::IAM::OIDCProvider') return undefined;
    const issuer = this.oidcIssuer(res!);
    const b = new TemplateBuilder().text('arn:').hole('${AWS::Partition}').text(':iam::').hole('${AWS::AccountId}').text(':oidc-provider/');
    if (issuer) b.append(issuer);
    else b.hole(`\${${logicalId}.Url}`);
    const r = b.build();
    this.oidcCache.set(logicalId, r);
    return r;
  }

  oidcIssuer(resource: Node): Resolution | undefined {
    const url = get(get(resource, 'Properties'), 'Url');
    if (!url) return undefined;
    const r = this.str(url, []);
    if (!r || r.unknown) return undefined;
    return stripScheme(r);
  }

  /** `Fn::Sub`: `${Param}`, `${AWS::Region}`, `${Resource.Arn}`, `${!Literal}` and the variable map. */
  sub(text: string, vars: Node | undefined, path: Path): Resolution {
    const b = new TemplateBuilder();
    const re = /\$\{([^}]*)\}/g;
    let pos = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      b.text(text.slice(pos, m.index));
      pos = m.index + m[0].length;
      const name = m[1].trim();
      if (name.startsWith('!')) {
        b.text('${' + name.slice(1) + '}');
        continue;
      }
      const v = vars ? getEntry(vars, name) : undefined;
      let r: Resolution | undefined;
      if (v) r = this.str(v.value, path);
      else if (name.includes('.') && !PSEUDO.test(name)) {
        const [res, attr] = name.split(/\.(.*)/s, 2);
        r = attr === 'Arn' ? this.oidcArn(res) : undefined;
      } else r = this.ref(name);
      if (r && !r.unknown) b.append(r);
      else b.hole(m[0]);
    }
    b.text(text.slice(pos));
    return b.build();
  }
}

export function stripScheme(r: Resolution): Resolution {
  const m = /^https?:\/\//i.exec(r.value);
  let value = r.value;
  let holes = r.holes;
  if (m) {
    value = value.slice(m[0].length);
    holes = holes?.map(([a, b]) => [a - m[0].length, b - m[0].length]);
  }
  if (value.endsWith('/')) value = value.slice(0, -1);
  return { value, holes, unknown: r.unknown };
}

/** A resolver for the strings of JSON written inside `!Sub`: each string is itself a Sub template. */
class SubJsonResolver implements Resolver {
  constructor(
    private readonly cfn: CfnResolver,
    private readonly vars: Node | undefined,
  ) {}
  resolve(node: Node, path: Path): Resolution | undefined {
    if (node.type !== 'scalar' || typeof node.value !== 'string' || !node.value.includes('${')) return undefined;
    return this.cfn.sub(node.value, this.vars, path);
  }
}

export function extractCloudFormation(root: ObjectNode, file: SourceFile, ctx: ExtractContext): void {
  const resolver = new CfnResolver(root);
  const resources = get(root, 'Resources');
  if (!resources || resources.type !== 'object') return;
  for (const res of resources.entries) {
    const type = stringValue(get(res.value, 'Type'));
    if (!type) continue;
    const props = get(res.value, 'Properties');
    const basePath: Path = ['Resources', res.key, 'Properties'];
    if (type === 'AWS::IAM::OIDCProvider') {
      const issuer = resolver.oidcIssuer(res.value);
      const url = get(props, 'Url');
      if (issuer && url) {
        const def: OidcProviderDefinition = {
          issuer: { value: issuer.value, holes: issuer.holes, range: url.range, path: [...basePath, 'Url'], node: url },
          resource: res.key,
        };
        const ids = get(props, 'ClientIdList');
        if (ids) def.clientIds = toValueList(ids, [...basePath, 'ClientIdList'], resolver);
        ctx.oidcProviders.push(def);
      }
      continue;
    }
    const locations = CFN_POLICY_PROPERTIES[type];
    if (!locations || !props || props.type !== 'object') continue;
    for (const loc of locations) {
      const value = get(props, loc.property);
      if (!value) continue;
      const origin = { format: 'cloudformation' as const, resource: res.key, resourceType: type, property: loc.property };
      const path: Path = [...basePath, loc.property];
      if (loc.shape === 'iam-policies') {
        if (value.type !== 'array') continue;
        value.items.forEach((item, i) => {
          const doc = get(item, 'PolicyDocument');
          if (doc) addDocument(doc, [...path, i, 'PolicyDocument'], loc.kind, origin, file, resolver, ctx);
        });
      } else if (loc.shape === 'sam-policies') {
        const items = value.type === 'array' ? value.items : [value];
        items.forEach((item, i) => {
          if (looksLikePolicy(item)) addDocument(item, value.type === 'array' ? [...path, i] : path, loc.kind, origin, file, resolver, ctx);
        });
      } else {
        addDocument(value, path, loc.kind, origin, file, resolver, ctx);
      }
    }
  }
}

function addDocument(
  node: Node,
  path: Path,
  kind: PolicyKind,
  origin: PolicyDocument['origin'],
  file: SourceFile,
  resolver: CfnResolver,
  ctx: ExtractContext,
): void {
  // A policy written as JSON text, plain or inside `!Sub`.
  if (node.type === 'scalar' && typeof node.value === 'string') {
    embeddedPolicy(node, path, { file, resolver, kind, origin, path }, ctx);
    return;
  }
  const sub = node.type === 'object' && node.entries.length === 1 && node.entries[0].key === 'Fn::Sub' ? node.entries[0].value : undefined;
  if (sub) {
    const [tmpl, vars] = sub.type === 'array' ? sub.items : [sub, undefined];
    if (tmpl?.type === 'scalar' && typeof tmpl.value === 'string' && tmpl.value.trimStart().startsWith('{')) {
      const subResolver = new SubJsonResolver(resolver, vars);
      embeddedPolicy(tmpl as ScalarNode, path, { file, resolver: subResolver, kind, origin, path }, ctx);
      return;
    }
  }
  ctx.documents.push(buildPolicy(node, { file, resolver, kind, origin, path }));
}
