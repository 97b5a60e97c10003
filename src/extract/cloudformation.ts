/**
 * CloudFormation and SAM templates (YAML or JSON): every policy document, with intrinsic functions
 * resolved as far as the template determines them.
 */
import { get, getEntry, stringValue, type Node, type ObjectNode, type ScalarNode } from '../parsers/tree.js';
import type { Range, SourceFile } from '../parsers/source.js';
import { buildPolicy, buildStatements, childPath, looksLikePolicy, toLString, toValueList, type Alternative, type Resolution, type Resolver } from '../model/build.js';
import { TemplateBuilder } from '../model/template.js';
import type { OidcProviderDefinition, Path, PolicyDocument, PolicyKind } from '../model/types.js';
import { embeddedPolicy, type ExtractContext } from './common.js';

interface PolicyProperty {
  /** The property, or a path of properties (`Auth.ResourcePolicy.CustomStatements`). */
  property: string;
  kind: PolicyKind;
  /**
   * `Policies: [{PolicyName, PolicyDocument}]` (IAM), SAM's mixed list, or `statements`: statements
   * without a document around them (one statement, or a list of them).
   */
  shape?: 'iam-policies' | 'sam-policies' | 'statements';
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
  'AWS::ApiGateway::RestApi': [{ property: 'Policy', kind: 'resource' }],
  'AWS::Events::EventBus': [{ property: 'Policy', kind: 'resource' }],
  'AWS::Events::EventBusPolicy': [{ property: 'Statement', kind: 'resource', shape: 'statements' }],
  'AWS::ECR::PublicRepository': [{ property: 'RepositoryPolicyText', kind: 'resource' }],
  'AWS::CodeArtifact::Domain': [{ property: 'PermissionsPolicyDocument', kind: 'resource' }],
  'AWS::CodeArtifact::Repository': [{ property: 'PermissionsPolicyDocument', kind: 'resource' }],
  'AWS::EC2::VPCEndpoint': [{ property: 'PolicyDocument', kind: 'resource' }],
  'AWS::Kinesis::ResourcePolicy': [{ property: 'ResourcePolicy', kind: 'resource' }],
  'AWS::DynamoDB::Table': [{ property: 'ResourcePolicy.PolicyDocument', kind: 'resource' }],
  'AWS::SSM::ResourcePolicy': [{ property: 'Policy', kind: 'resource' }],
  'AWS::VpcLattice::AuthPolicy': [{ property: 'Policy', kind: 'resource' }],
  'AWS::VpcLattice::ResourcePolicy': [{ property: 'Policy', kind: 'resource' }],
  'AWS::S3::MultiRegionAccessPointPolicy': [{ property: 'Policy', kind: 'resource' }],
  'AWS::S3ObjectLambda::AccessPointPolicy': [{ property: 'PolicyDocument', kind: 'resource' }],
  'AWS::S3Outposts::BucketPolicy': [{ property: 'PolicyDocument', kind: 'resource' }],
  'AWS::SSO::PermissionSet': [{ property: 'InlinePolicy', kind: 'identity' }],
  'AWS::Serverless::Api': [{ property: 'Auth.ResourcePolicy.CustomStatements', kind: 'resource', shape: 'statements' }],
  'AWS::Serverless::Function': [
    { property: 'AssumeRolePolicyDocument', kind: 'trust' },
    { property: 'Policies', kind: 'identity', shape: 'sam-policies' },
  ],
  'AWS::Serverless::StateMachine': [{ property: 'Policies', kind: 'identity', shape: 'sam-policies' }],
};

/**
 * An IAM OIDC provider: CloudFormation's own, and the custom resource CDK's `OpenIdConnectProvider`
 * construct writes (its `Ref` is the provider's ARN too).
 */
function isOidcProviderType(type: string | undefined): boolean {
  return type === 'AWS::IAM::OIDCProvider' || type === 'Custom::AWSCDKOpenIdConnectProvider';
}

/** `!Ref AWS::NoValue`: the property (or list item) is left out. */
function isNoValue(node: Node): boolean {
  return node.type === 'object' && node.entries.length === 1 && node.entries[0].key === 'Ref' && stringValue(node.entries[0].value) === 'AWS::NoValue';
}

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
  /** `ref` of each parameter asked for: it depends on the name only (templates repeat a few names often). */
  private readonly refCache = new Map<string, Resolution | undefined>();
  private oidcIndex: Map<string, Node> | undefined;
  /** `sub` of each text without a variable map. */
  private readonly subCache = new Map<string, Resolution>();
  /** OIDC providers whose URL is being read (their ARN is undefined meanwhile). */
  private oidcPending = 0;
  /** The `Type` of each entry of `Resources`, in order (read once: the extractor and the resolver both need it). */
  readonly resourceTypes: Array<string | undefined> = [];
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
    if (this.resources?.type === 'object') {
      const { entries } = this.resources;
      for (let i = 0; i < entries.length; i++) this.resourceTypes.push(stringValue(get(entries[i].value, 'Type')));
    }
  }

  /**
   * The branches of an `Fn::If` that hold data (not `!Ref AWS::NoValue`), nested ones flattened:
   * which one a stack gets depends on its parameters, so each is checked.
   */
  alternatives(node: Node, path: Path): Alternative[] | undefined {
    if (node.type !== 'object' || node.entries.length !== 1 || node.entries[0].key !== 'Fn::If') return undefined;
    const arg = node.entries[0].value;
    if (arg.type !== 'array' || arg.items.length !== 3) return undefined;
    const base = childPath(path, 'Fn::If');
    const condition = stringValue(arg.items[0]) ?? '?';
    const out: Alternative[] = [];
    let exhaustive = true;
    for (const i of [1, 2]) {
      const branch = arg.items[i];
      if (isNoValue(branch)) {
        exhaustive = false;
        continue;
      }
      const p = childPath(base, i);
      const label = `!If ${condition} (${i === 1 ? 'true' : 'false'})`;
      const nested = this.alternatives(branch, p);
      if (nested) for (const n of nested) out.push({ ...n, label: `${label}, ${n.label}` });
      else out.push({ node: branch, path: p, label, exhaustive: true });
    }
    for (const a of out) a.exhaustive &&= exhaustive;
    return out;
  }

  resolve(node: Node, path: Path): Resolution | undefined {
    if (node.type !== 'object' || node.entries.length !== 1) return undefined;
    const { key, value } = node.entries[0];
    if (key !== 'Ref' && key !== 'Condition' && !key.startsWith('Fn::')) return undefined;
    if (this.depth > 50) return { value: this.display(node), unknown: true };
    this.depth++;
    try {
      return this.intrinsic(key, value, path) ?? { value: this.display(node), unknown: true };
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

  /** What an intrinsic stands for; undefined when the template does not determine it. */
  private intrinsic(fn: string, arg: Node, path: Path): Resolution | undefined {
    switch (fn) {
      case 'Ref': {
        const name = stringValue(arg);
        if (!name) return undefined;
        const r = this.ref(name);
        return r && located(r, arg.type === 'scalar' ? arg.range : undefined);
      }
      case 'Fn::GetAtt': {
        let res: string | undefined;
        let attr: string | undefined;
        if (arg.type === 'array') {
          res = stringValue(arg.items[0]);
          attr = stringValue(arg.items[1]);
        } else {
          [res, attr] = splitAttribute(stringValue(arg) ?? '');
        }
        if (res && attr === 'Arn') {
          const arn = this.oidcArn(res);
          if (arn) return located(arn, arg.type === 'scalar' ? arg.range : undefined);
        }
        return undefined;
      }
      case 'Fn::Sub': {
        let tmpl: Node | undefined = arg;
        let vars: Node | undefined;
        if (arg.type === 'array') [tmpl, vars] = arg.items;
        const text = stringValue(tmpl);
        if (text === undefined || !tmpl) return undefined;
        return this.sub(text, vars, path, tmpl.range);
      }
      case 'Fn::Join': {
        if (arg.type !== 'array' || arg.items.length !== 2) return undefined;
        const delim = stringValue(arg.items[0]);
        const list = arg.items[1];
        if (delim === undefined || list.type !== 'array') return undefined;
        const b = new TemplateBuilder();
        for (let i = 0; i < list.items.length; i++) {
          if (i > 0) b.text(delim);
          const r = this.str(list.items[i], path);
          if (!r) b.unknown = true;
          else b.append(r);
        }
        return b.unknown ? undefined : b.build();
      }
      case 'Fn::Select': {
        if (arg.type !== 'array' || arg.items.length !== 2) return undefined;
        const idx = Number(arg.items[0].type === 'scalar' ? arg.items[0].value : NaN);
        const list = arg.items[1];
        if (list.type !== 'array' || !Number.isInteger(idx) || !list.items[idx]) return undefined;
        return this.str(list.items[idx], path);
      }
      case 'Fn::FindInMap': {
        if (arg.type !== 'array' || arg.items.length < 3) return undefined;
        const keys = arg.items.slice(0, 3).map((k) => this.str(k, path));
        if (keys.some((k) => !k || k.unknown || (k.holes && k.holes.length > 0))) return undefined;
        const v = get(get(get(this.mappings, keys[0]!.value), keys[1]!.value), keys[2]!.value);
        return (v && this.str(v, path)) || undefined;
      }
      case 'Fn::If': {
        // The same value either way (a provider created here or passed in by ARN): the condition
        // does not matter for what the policy says.
        if (arg.type !== 'array' || arg.items.length !== 3) return undefined;
        const [a, b] = [this.str(arg.items[1], path), this.str(arg.items[2], path)];
        if (!a || !b || a.unknown || b.unknown || a.value !== b.value) return undefined;
        if (JSON.stringify(a.holes ?? []) !== JSON.stringify(b.holes ?? [])) return undefined;
        return { value: a.value, holes: a.holes };
      }
      default:
        return undefined;
    }
  }

  private ref(name: string): Resolution | undefined {
    const cached = this.refCache.get(name);
    if (cached !== undefined || this.refCache.has(name)) return cached;
    // Anything else may name an OIDC provider: `oidcArn` keeps its own cache (and knows when the
    // provider is still being resolved).
    if (!isPseudo(name) && !this.params.has(name)) return this.oidcArn(name);
    const r = this.paramRef(name);
    this.refCache.set(name, r);
    return r;
  }

  /** A pseudo parameter or a parameter of the template. */
  private paramRef(name: string): Resolution | undefined {
    if (isPseudo(name)) {
      if (name === 'AWS::NoValue') return undefined;
      return new TemplateBuilder().hole(`\${${name}}`).build();
    }
    if (this.listParams.has(name)) return { value: `\${${name}}`, unknown: true };
    const def = this.params.get(name);
    // `Default: ""` is the usual mark of a parameter to be given at deploy time: a placeholder.
    if (def && def.type === 'scalar' && def.value !== null && def.value !== '') return this.str(def, []);
    return new TemplateBuilder().hole(`\${${name}}`).build();
  }

  /** The ARN of an `AWS::IAM::OIDCProvider` defined in this template. */
  oidcArn(logicalId: string): Resolution | undefined {
    const res = this.oidcResource(logicalId);
    if (!res) return undefined;
    // Undefined while being resolved: a provider whose URL refers to its own ARN.
    const cached = this.oidcCache.get(logicalId);
    if (cached !== undefined || this.oidcCache.has(logicalId)) return cached;
    this.oidcCache.set(logicalId, undefined);
    this.oidcPending++;
    let issuer: Resolution | undefined;
    try {
      issuer = this.oidcIssuer(res);
    } finally {
      this.oidcPending--;
    }
    const b = new TemplateBuilder().text('arn:').hole('${AWS::Partition}').text(':iam::').hole('${AWS::AccountId}').text(':oidc-provider/');
    if (issuer) b.append(issuer);
    else b.hole(`\${${logicalId}.Url}`);
    const r = b.build();
    this.oidcCache.set(logicalId, r);
    return r;
  }

  /**
   * `get(Resources, logicalId)` when that is an OIDC provider. Templates refer to many of their
   * resources and hold few providers: the index keeps the providers only.
   */
  private oidcResource(logicalId: string): Node | undefined {
    if (!this.oidcIndex) {
      const index = new Map<string, Node>();
      if (this.resources?.type === 'object') {
        const { entries } = this.resources;
        for (let i = 0; i < entries.length; i++) {
          // The last of repeated keys wins, as `get` reads them.
          if (isOidcProviderType(this.resourceTypes[i])) index.set(entries[i].key, entries[i].value);
          else if (index.size > 0) index.delete(entries[i].key);
        }
      }
      this.oidcIndex = index;
    }
    return this.oidcIndex.size > 0 ? this.oidcIndex.get(logicalId) : undefined;
  }

  oidcIssuer(resource: Node): Resolution | undefined {
    const url = get(get(resource, 'Properties'), 'Url');
    if (!url) return undefined;
    const r = this.str(url, []);
    if (!r || r.unknown) return undefined;
    return stripScheme(r);
  }

  /**
   * `Fn::Sub`: `${Param}`, `${AWS::Region}`, `${Resource.Arn}`, `${!Literal}` and the variable map.
   * `range`: where to report on the value.
   */
  sub(text: string, vars: Node | undefined, path: Path, range?: Range): Resolution {
    if (vars) return this.substitute(text, vars, path, range);
    // Without a variable map the value depends on the text only, and templates repeat their ARNs.
    let r = this.subCache.get(text);
    if (!r) {
      r = this.substitute(text, undefined, path);
      // Not while a provider's URL is being read: its ARN is unknown until then, not for good.
      if (this.oidcPending === 0) this.subCache.set(text, r);
    }
    if (!range) return r;
    const out: Resolution = { value: r.value };
    if (r.holes) out.holes = r.holes;
    out.range = range;
    return out;
  }

  private substitute(text: string, vars: Node | undefined, path: Path, range?: Range): Resolution {
    let value = '';
    let holes: Array<[number, number]> | undefined;
    let pos = 0;
    // Each `${...}` (no `}` inside), as the pattern /\$\{([^}]*)\}/g finds them.
    for (let at = text.indexOf('${'); at >= 0; at = text.indexOf('${', pos)) {
      const close = text.indexOf('}', at + 2);
      if (close < 0) break;
      value += text.slice(pos, at);
      pos = close + 1;
      const name = text.slice(at + 2, close).trim();
      if (name.startsWith('!')) {
        value += '${' + name.slice(1) + '}';
        continue;
      }
      const v = vars ? getEntry(vars, name) : undefined;
      let r: Resolution | undefined;
      if (v) r = this.str(v.value, path);
      else if (name.includes('.') && !isPseudo(name)) {
        const [res, attr] = splitAttribute(name);
        r = attr === 'Arn' ? this.oidcArn(res) : undefined;
      } else r = this.ref(name);
      // A known value keeps its own holes; anything else is a hole, written as in the template.
      const known = !!r && !r.unknown;
      const spans = known ? r!.holes : [[0, close + 1 - at] as const];
      if (spans) {
        for (const [a, b] of spans) {
          // A list made for its first hole has no room to spare (one grown by `push` keeps room for 16).
          const span: [number, number] = [value.length + a, value.length + b];
          if (holes) holes.push(span);
          else holes = [span];
        }
      }
      value += known ? r!.value : text.slice(at, close + 1);
    }
    value += text.slice(pos);
    const out: Resolution = { value };
    if (holes && holes.length > 0) out.holes = holes;
    if (range) out.range = range;
    return out;
  }
}

/** The resolution, to be reported at `range`. */
function located(r: Resolution, range: Range | undefined): Resolution {
  return { value: r.value, holes: r.holes, unknown: r.unknown, range };
}

/** `Resource.Attribute.Path` into the resource and the rest, as `s.split(/\.(.*)/s, 2)` does. */
function splitAttribute(s: string): [string, string | undefined] {
  const dot = s.indexOf('.');
  return dot < 0 ? [s, undefined] : [s.slice(0, dot), s.slice(dot + 1)];
}

function isPseudo(name: string): boolean {
  return name.startsWith('AWS::') && PSEUDO.test(name);
}

export function stripScheme(r: Resolution): Resolution {
  const m = /^https?:\/\//i.exec(r.value);
  let value = r.value;
  let holes = r.holes;
  if (m) {
    value = value.slice(m[0].length);
    holes = holes?.map(([a, b]) => [a - m[0].length, b - m[0].length]);
  }
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
  const types = resolver.resourceTypes;
  for (let r = 0; r < resources.entries.length; r++) {
    const res = resources.entries[r];
    const type = types[r];
    if (!type) continue;
    const props = get(res.value, 'Properties');
    if (isOidcProviderType(type)) {
      const basePath: Path = ['Resources', res.key, 'Properties'];
      const issuer = resolver.oidcIssuer(res.value);
      const url = get(props, 'Url');
      if (issuer && url) {
        const def: OidcProviderDefinition = {
          issuer: { value: issuer.value, holes: issuer.holes, range: url.range, path: [...basePath, 'Url'], node: url },
          resource: res.key,
        };
        // CDK's custom provider spells it `ClientIDList`.
        const listName = get(props, 'ClientIdList') ? 'ClientIdList' : 'ClientIDList';
        const ids = get(props, listName);
        if (ids) def.clientIds = toValueList(ids, [...basePath, listName], resolver);
        ctx.oidcProviders.push(def);
      }
      continue;
    }
    // Own keys only: a resource typed `constructor` or `__proto__` is no policy holder.
    const locations = Object.hasOwn(CFN_POLICY_PROPERTIES, type) ? CFN_POLICY_PROPERTIES[type] : undefined;
    if (!locations || !props || props.type !== 'object') continue;
    const basePath: Path = ['Resources', res.key, 'Properties'];
    if (type === 'AWS::Events::EventBusPolicy' && !getEntry(props, 'Statement')) {
      // The older form: the one statement's parts as properties.
      const st = eventBusStatement(props);
      if (st) {
        const origin = { format: 'cloudformation' as const, resource: res.key, resourceType: type, property: 'Principal' };
        ctx.documents.push(buildStatements(st, { file, resolver, kind: 'resource', origin, path: basePath }));
      }
      continue;
    }
    for (const loc of locations) {
      const names = loc.property.split('.');
      let value: Node | undefined = props;
      let path: Path = basePath;
      for (const name of names) {
        value = get(value, name);
        path = childPath(path, name);
      }
      if (!value) continue;
      const origin = { format: 'cloudformation' as const, resource: res.key, resourceType: type, property: names[names.length - 1] };
      // The property itself may be an `Fn::If`; so may each item of a policy list.
      for (const alt of branches(value, path, resolver)) {
        const v = alt.node;
        if (loc.shape === 'iam-policies') {
          if (v.type !== 'array') continue;
          for (let i = 0; i < v.items.length; i++) {
            for (const item of branches(v.items[i], childPath(alt.path, i), resolver)) {
              const doc = get(item.node, 'PolicyDocument');
              if (doc) addDocument(doc, childPath(item.path, 'PolicyDocument'), loc.kind, origin, file, resolver, ctx);
            }
          }
        } else if (loc.shape === 'statements') {
          ctx.documents.push(buildStatements(v, { file, resolver, kind: loc.kind, origin, path: alt.path }));
        } else if (loc.shape === 'sam-policies') {
          const items = v.type === 'array' ? v.items : [v];
          for (let i = 0; i < items.length; i++) {
            for (const item of branches(items[i], v.type === 'array' ? childPath(alt.path, i) : alt.path, resolver)) {
              if (looksLikePolicy(item.node)) addDocument(item.node, item.path, loc.kind, origin, file, resolver, ctx);
            }
          }
        } else {
          addDocument(v, alt.path, loc.kind, origin, file, resolver, ctx);
        }
      }
    }
  }
}

/**
 * `AWS::Events::EventBusPolicy` in its older form — `Action`, `Principal` (an account id or `*`),
 * `StatementId` and a `Condition` of `Type`, `Key` and `Value` — as the statement EventBridge writes
 * from it. The statement's keys sit where those properties are written.
 */
function eventBusStatement(props: ObjectNode): ObjectNode | undefined {
  const action = getEntry(props, 'Action');
  const principal = getEntry(props, 'Principal');
  if (!action || !principal) return undefined;
  const entries: ObjectNode['entries'] = [];
  const sid = getEntry(props, 'StatementId');
  if (sid) entries.push({ key: 'Sid', keyRange: sid.keyRange, keyStyle: sid.keyStyle, value: sid.value });
  entries.push({ key: 'Effect', keyRange: action.keyRange, keyStyle: action.keyStyle, value: { type: 'scalar', value: 'Allow', style: 'yaml-block', range: action.keyRange } });
  // An account id stands for `{"AWS": "<id>"}`; `*` for every principal.
  const p = principal.value;
  const principalValue: Node = p.type === 'scalar' && p.value !== '*' ? { type: 'object', entries: [{ key: 'AWS', keyRange: principal.keyRange, keyStyle: 'yaml-block', value: p }], range: p.range } : p;
  entries.push({ key: 'Principal', keyRange: principal.keyRange, keyStyle: principal.keyStyle, value: principalValue });
  entries.push({ key: 'Action', keyRange: action.keyRange, keyStyle: action.keyStyle, value: action.value });
  const condition = getEntry(props, 'Condition');
  const c = condition?.value;
  if (condition && c?.type === 'object') {
    const t = getEntry(c, 'Type')?.value;
    const k = getEntry(c, 'Key')?.value;
    const v = getEntry(c, 'Value')?.value;
    if (t?.type === 'scalar' && typeof t.value === 'string' && k?.type === 'scalar' && typeof k.value === 'string' && v) {
      const inner: ObjectNode = { type: 'object', entries: [{ key: k.value, keyRange: k.range, keyStyle: 'yaml-block', value: v }], range: c.range };
      const block: ObjectNode = { type: 'object', entries: [{ key: t.value, keyRange: t.range, keyStyle: 'yaml-block', value: inner }], range: c.range };
      entries.push({ key: 'Condition', keyRange: condition.keyRange, keyStyle: condition.keyStyle, value: block });
    } else {
      // A condition trustlint cannot read limits the statement all the same.
      entries.push({ key: 'Condition', keyRange: condition.keyRange, keyStyle: condition.keyStyle, value: { type: 'object', entries: [{ key: 'Fn::If', keyRange: condition.keyRange, value: c }], range: c.range } });
    }
  }
  return { type: 'object', entries, range: props.range };
}

/** The node, or the branches of the `Fn::If` it is. */
function branches(node: Node, path: Path, resolver: CfnResolver): Array<{ node: Node; path: Path }> {
  return resolver.alternatives(node, path) ?? [{ node, path }];
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
