// Over 400 lines on purpose: one fake of one API (every endpoint the provider calls, with GitHub's shapes and faults) reads best in one place.
// A local GitHub-compatible REST server with in-memory state: the endpoints the GitHub
// repository provider calls, GitHub's JSON shapes, status codes and error bodies, plus
// fault injection (5xx, rate limits, slow answers). Octokit talks to it through `baseUrl`.
// Tokens are only ever compared, never stored in the request log or echoed back.
import { randomBytes, randomInt } from "node:crypto";
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import type * as Sodium from "libsodium-wrappers";

export type DeploymentOutcome = "success" | "failure" | "error" | "pending";

export interface Fault {
  /** Answer with this status instead of handling the request; omit to only delay it. */
  status?: number;
  body?: unknown;
  headers?: Record<string, string> | (() => Record<string, string>);
  /** How many matching requests this fault applies to (default 1). */
  times?: number;
  /** Wait this long before answering (to exercise client timeouts). */
  delayMs?: number;
}

export interface RequestRecord {
  method: string;
  path: string;
  query: string;
  status: number;
}

export interface FakeRepoOptions {
  isTemplate?: boolean;
  description?: string | null;
  topics?: string[];
  private?: boolean;
  defaultBranch?: string;
}

export interface FakeGitHub {
  /** Octokit `baseUrl`. */
  url: string;
  close(): Promise<void>;
  addToken(token: string, user: { login: string; scopes?: string[] | null }): void;
  addOrg(
    org: string,
    opts?: { membersCanCreateRepositories?: boolean; membersCanCreatePrivateRepositories?: boolean },
  ): void;
  addMembership(org: string, login: string, opts: { role: "admin" | "member"; state: "active" | "pending" }): void;
  addRepo(owner: string, name: string, opts?: FakeRepoOptions): void;
  /**
   * Fault injection. `pattern` matches "METHOD /path" (no query): a string in which `*` stands for
   * one path segment, e.g. "GET /user" or "DELETE /repos/acme/*" (without a method it matches any), or a RegExp.
   */
  failNext(pattern: string | RegExp, fault: Fault): void;
  clearFaults(): void;
  /**
   * What deployments report: the status appears `delayMs` after a deployment is created (read
   * when statuses are listed, so changing the outcome later affects deployments still waiting).
   */
  setDeploymentOutcome(outcome: DeploymentOutcome, opts?: { delayMs?: number }): void;
  readonly requests: RequestRecord[];
  readonly counts: {
    repositoriesCreated: Record<string, number>;
    deploymentsCreated: Record<string, number>;
    secretsWritten: Record<string, number>;
  };
  /** Decrypted Actions secrets, keyed "owner/repo/NAME" — proof the client sealed them correctly. */
  readonly secrets: Map<string, string>;
  /** A snapshot of a repository as GET /repos/{owner}/{repo} would return it, or undefined. */
  repo(owner: string, name: string): Record<string, unknown> | undefined;
}

const DOCS = "https://docs.github.com/rest";

/** GitHub's secondary rate limit (403 with retry-after). */
export function secondaryRateLimit(opts: { retryAfter?: number; status?: 403 | 429; times?: number } = {}): Fault {
  return {
    status: opts.status ?? 403,
    times: opts.times,
    headers: { "retry-after": String(opts.retryAfter ?? 1) },
    body: {
      message:
        "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID 0000:1111:2222:3333:4444.",
      documentation_url:
        "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
    },
  };
}

/** GitHub's primary rate limit (quota exhausted until x-ratelimit-reset). */
export function primaryRateLimit(opts: { resetInSeconds?: number; status?: 403 | 429; times?: number } = {}): Fault {
  return {
    status: opts.status ?? 403,
    times: opts.times,
    headers: () => ({
      "x-ratelimit-limit": "5000",
      "x-ratelimit-remaining": "0",
      "x-ratelimit-used": "5000",
      "x-ratelimit-resource": "core",
      "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + (opts.resetInSeconds ?? 1)),
    }),
    body: {
      message:
        "API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID 0000:1111:2222:3333:4444.",
      documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-rate-limits",
    },
  };
}

interface User {
  login: string;
  id: number;
  scopes: string[] | null;
}
interface Org {
  login: string;
  id: number;
  membersCanCreateRepositories: boolean;
  membersCanCreatePrivateRepositories: boolean;
}
interface Membership {
  role: "admin" | "member";
  state: "active" | "pending";
}
interface DeploymentStatus {
  id: number;
  state: string;
  description: string;
  environment: string;
  environment_url: string;
  log_url: string;
  created_at: string;
}
interface Deployment {
  id: number;
  sha: string;
  ref: string;
  environment: string;
  description: string | null;
  payload: unknown;
  productionEnvironment: boolean;
  creator: string;
  createdAt: number;
  statuses: DeploymentStatus[];
}
interface Repo {
  id: number;
  owner: string;
  ownerType: "User" | "Organization";
  name: string;
  private: boolean;
  isTemplate: boolean;
  description: string | null;
  topics: string[];
  defaultBranch: string;
  createdAt: string;
  template: string | null;
  deployments: Deployment[];
}
interface ActiveFault extends Fault {
  match: (line: string) => boolean;
  remaining: number;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body.message));
  }
}

function error(status: number, message: string, extra: Record<string, unknown> = {}): HttpError {
  return new HttpError(status, { message, ...extra, documentation_url: DOCS, status: String(status) });
}

const notFound = () => error(404, "Not Found");

function patternMatcher(pattern: string | RegExp): (line: string) => boolean {
  if (pattern instanceof RegExp) return (line) => pattern.test(line);
  const [, method, path] = /^(?:([A-Za-z]+)\s+)?(\S+)$/.exec(pattern.trim()) ?? [];
  if (!path) throw new Error(`Unusable fault pattern "${pattern}"`);
  const escape = (s: string) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
  const pathSource = path.split("*").map(escape).join("[^/]+");
  const regex = new RegExp(`^${method ? escape(method.toUpperCase()) : "[A-Z]+"} ${pathSource}$`, "i");
  return (line) => regex.test(line);
}

const iso = (ms = Date.now()) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

let sodiumReady: Promise<typeof Sodium> | undefined;
function loadSodium(): Promise<typeof Sodium> {
  // The package's ESM build is broken (it imports a file it does not ship): use the CommonJS one.
  sodiumReady ??= (async () => {
    const sodium = createRequire(import.meta.url)("libsodium-wrappers") as typeof Sodium;
    await sodium.ready;
    return sodium;
  })();
  return sodiumReady;
}

export async function startFakeGitHub(opts: { port?: number; host?: string } = {}): Promise<FakeGitHub> {
  const sodium = await loadSodium();
  const keyPair = sodium.crypto_box_keypair();
  const publicKey = {
    key_id: String(randomInt(1e14, 2.8e14)),
    key: sodium.to_base64(keyPair.publicKey, sodium.base64_variants.ORIGINAL),
  };

  const tokens = new Map<string, User>();
  const users = new Map<string, User>();
  const orgs = new Map<string, Org>();
  const memberships = new Map<string, Membership>();
  const repos = new Map<string, Repo>();
  const faults: ActiveFault[] = [];
  const requests: RequestRecord[] = [];
  const counts: FakeGitHub["counts"] = { repositoriesCreated: {}, deploymentsCreated: {}, secretsWritten: {} };
  const secrets = new Map<string, string>();
  const existingSecrets = new Set<string>();
  let outcome: { state: DeploymentOutcome; delayMs: number } = { state: "success", delayMs: 0 };
  let nextId = 1000;
  let baseUrl = "";

  const key = (...parts: string[]) => parts.join("/").toLowerCase();
  const webUrl = (...parts: string[]) => `${baseUrl}/_web/${parts.join("/")}`;

  function userJson(user: { login: string; id: number }, type: "User" | "Organization" = "User") {
    return {
      login: user.login,
      id: user.id,
      node_id: Buffer.from(`${type}${user.id}`).toString("base64"),
      avatar_url: `https://avatars.githubusercontent.com/u/${user.id}?v=4`,
      url: `${baseUrl}/${type === "User" ? "users" : "orgs"}/${user.login}`,
      html_url: webUrl(user.login),
      type,
      site_admin: false,
    };
  }

  function ownerJson(login: string) {
    const org = orgs.get(key(login));
    if (org) return userJson(org, "Organization");
    const user = users.get(key(login));
    return userJson(user ?? { login, id: 1 }, "User");
  }

  function repoJson(repo: Repo, viewer?: User): Record<string, unknown> {
    const full = `${repo.owner}/${repo.name}`;
    const admin = viewer ? canAdmin(viewer, repo) : false;
    const templateRepo = repo.template ? repos.get(key(repo.template)) : undefined;
    return {
      id: repo.id,
      node_id: Buffer.from(`Repository${repo.id}`).toString("base64"),
      name: repo.name,
      full_name: full,
      private: repo.private,
      owner: ownerJson(repo.owner),
      html_url: webUrl(repo.owner, repo.name),
      description: repo.description,
      fork: false,
      url: `${baseUrl}/repos/${full}`,
      deployments_url: `${baseUrl}/repos/${full}/deployments`,
      created_at: repo.createdAt,
      updated_at: repo.createdAt,
      pushed_at: repo.createdAt,
      homepage: null,
      size: 0,
      visibility: repo.private ? "private" : "public",
      is_template: repo.isTemplate,
      topics: [...repo.topics],
      archived: false,
      disabled: false,
      default_branch: repo.defaultBranch,
      permissions: { admin, maintain: admin, push: admin, triage: true, pull: true },
      template_repository: templateRepo ? repoJson(templateRepo) : null,
    };
  }

  function membershipOf(user: User, owner: string): Membership | undefined {
    return memberships.get(key(owner, user.login));
  }

  function canSee(user: User, repo: Repo): boolean {
    if (!repo.private || key(repo.owner) === key(user.login)) return true;
    return membershipOf(user, repo.owner)?.state === "active";
  }

  function canAdmin(user: User, repo: Repo): boolean {
    if (key(repo.owner) === key(user.login)) return true;
    const m = membershipOf(user, repo.owner);
    return m?.state === "active";
  }

  function findRepo(user: User, owner: string, name: string): Repo {
    const repo = repos.get(key(owner, name));
    // GitHub answers 404, not 403, for private repositories you cannot see.
    if (!repo || !canSee(user, repo)) throw notFound();
    return repo;
  }

  function deploymentJson(repo: Repo, d: Deployment) {
    const full = `${repo.owner}/${repo.name}`;
    return {
      url: `${baseUrl}/repos/${full}/deployments/${d.id}`,
      id: d.id,
      node_id: Buffer.from(`Deployment${d.id}`).toString("base64"),
      sha: d.sha,
      ref: d.ref,
      task: "deploy",
      payload: d.payload,
      original_environment: d.environment,
      environment: d.environment,
      description: d.description,
      creator: userJson(users.get(key(d.creator)) ?? { login: d.creator, id: 1 }),
      created_at: iso(d.createdAt),
      updated_at: iso(d.statuses.at(-1) ? Date.parse(d.statuses.at(-1)!.created_at) : d.createdAt),
      statuses_url: `${baseUrl}/repos/${full}/deployments/${d.id}/statuses`,
      repository_url: `${baseUrl}/repos/${full}`,
      transient_environment: false,
      production_environment: d.productionEnvironment,
    };
  }

  function statusJson(repo: Repo, d: Deployment, s: DeploymentStatus) {
    const full = `${repo.owner}/${repo.name}`;
    return {
      url: `${baseUrl}/repos/${full}/deployments/${d.id}/statuses/${s.id}`,
      id: s.id,
      node_id: Buffer.from(`DeploymentStatus${s.id}`).toString("base64"),
      state: s.state,
      creator: userJson({ login: "github-actions[bot]", id: 41898282 }),
      description: s.description,
      environment: s.environment,
      target_url: s.log_url,
      log_url: s.log_url,
      environment_url: s.environment_url,
      created_at: s.created_at,
      updated_at: s.created_at,
      deployment_url: `${baseUrl}/repos/${full}/deployments/${d.id}`,
      repository_url: `${baseUrl}/repos/${full}`,
    };
  }

  function addStatus(
    repo: Repo,
    d: Deployment,
    state: string,
    extra: { description?: string; environment_url?: string; log_url?: string } = {},
  ) {
    d.statuses.push({
      id: nextId++,
      state,
      description: extra.description ?? "",
      environment: d.environment,
      environment_url: extra.environment_url ?? "",
      log_url: extra.log_url ?? "",
      created_at: iso(),
    });
  }

  /** The configured outcome shows up once the deployment is old enough (the "workflow" finished). */
  function settle(repo: Repo, d: Deployment) {
    if (Date.now() - d.createdAt < outcome.delayMs) return;
    const newest = d.statuses.at(-1);
    if (newest?.state === outcome.state) return;
    if (newest && newest.state !== "pending" && newest.state !== "in_progress" && newest.state !== "queued") return;
    const logs = `${webUrl(repo.owner, repo.name)}/actions/runs/${d.id}`;
    if (outcome.state === "success") {
      addStatus(repo, d, "success", {
        description: "Deployed",
        environment_url: `${webUrl(repo.owner, repo.name)}/deployed`,
        log_url: logs,
      });
    } else if (outcome.state === "pending") {
      addStatus(repo, d, "pending", { description: "Waiting for a runner", log_url: logs });
    } else {
      addStatus(repo, d, outcome.state, {
        description: outcome.state === "failure" ? "Deploy job failed" : "Deployment errored",
        log_url: logs,
      });
    }
  }

  function paginate<T>(items: T[], url: URL, res: ServerResponse): T[] {
    const perPage = Math.min(Math.max(Number(url.searchParams.get("per_page")) || 30, 1), 100);
    const page = Math.max(Number(url.searchParams.get("page")) || 1, 1);
    const last = Math.max(Math.ceil(items.length / perPage), 1);
    const link = (p: number, rel: string) => {
      const u = new URL(url.pathname + url.search, baseUrl);
      u.searchParams.set("page", String(p));
      u.searchParams.set("per_page", String(perPage));
      return `<${u.toString()}>; rel="${rel}"`;
    };
    const links = [];
    if (page < last) links.push(link(page + 1, "next"), link(last, "last"));
    if (page > 1) links.push(link(1, "first"), link(page - 1, "prev"));
    if (links.length) res.setHeader("link", links.join(", "));
    return items.slice((page - 1) * perPage, page * perPage);
  }

  type Handler = (args: {
    user: User;
    params: string[];
    body: Record<string, unknown>;
    url: URL;
    res: ServerResponse;
  }) => { status: number; body?: unknown };

  const routes: { method: string; path: RegExp; handler: Handler }[] = [];
  const route = (method: string, path: string, handler: Handler) =>
    routes.push({ method, path: new RegExp(`^${path.replace(/:[a-z_]+/g, "([^/]+)")}$`), handler });

  route("GET", "/user", ({ user }) => ({
    status: 200,
    body: {
      ...userJson(user),
      name: user.login,
      company: null,
      created_at: "2020-01-01T00:00:00Z",
      updated_at: "2020-01-01T00:00:00Z",
    },
  }));

  route("GET", "/orgs/:org", ({ user, params: [name] }) => {
    const org = orgs.get(key(name));
    if (!org) throw notFound();
    const body: Record<string, unknown> = {
      ...userJson(org, "Organization"),
      description: null,
      name: org.login,
      created_at: "2020-01-01T00:00:00Z",
    };
    // Member privileges are only shown to members, as on GitHub.
    if (membershipOf(user, org.login)?.state === "active") {
      Object.assign(body, {
        members_can_create_repositories: org.membersCanCreateRepositories || org.membersCanCreatePrivateRepositories,
        members_can_create_public_repositories: org.membersCanCreateRepositories,
        members_can_create_private_repositories: org.membersCanCreatePrivateRepositories,
        default_repository_permission: "read",
      });
    }
    return { status: 200, body };
  });

  route("GET", "/orgs/:org/memberships/:username", ({ params: [orgName, username] }) => {
    const org = orgs.get(key(orgName));
    const membership = memberships.get(key(orgName, username));
    const target = users.get(key(username));
    if (!org || !membership || !target) throw notFound();
    return {
      status: 200,
      body: {
        url: `${baseUrl}/orgs/${org.login}/memberships/${target.login}`,
        state: membership.state,
        role: membership.role,
        organization_url: `${baseUrl}/orgs/${org.login}`,
        organization: userJson(org, "Organization"),
        user: userJson(target),
      },
    };
  });

  route("GET", "/repos/:owner/:repo", ({ user, params: [owner, name] }) => ({
    status: 200,
    body: repoJson(findRepo(user, owner, name), user),
  }));

  route("DELETE", "/repos/:owner/:repo", ({ user, params: [owner, name] }) => {
    const repo = findRepo(user, owner, name);
    if (!canAdmin(user, repo) || (user.scopes !== null && !user.scopes.includes("delete_repo"))) {
      throw error(403, "Must have admin rights to Repository.");
    }
    repos.delete(key(owner, name));
    for (const k of [...secrets.keys()]) if (k.toLowerCase().startsWith(key(owner, name) + "/")) secrets.delete(k);
    for (const k of [...existingSecrets]) if (k.startsWith(key(owner, name) + "/")) existingSecrets.delete(k);
    return { status: 204 };
  });

  route("POST", "/repos/:owner/:repo/generate", ({ user, params: [owner, name], body }) => {
    const template = findRepo(user, owner, name);
    if (typeof body.name !== "string" || !body.name) throw error(422, 'Invalid request.\n\n"name" wasn\'t supplied.');
    if (!/^[A-Za-z0-9._-]{1,100}$/.test(body.name))
      throw error(422, "Repository creation failed.", {
        errors: [{ resource: "Repository", code: "custom", field: "name", message: "name is invalid" }],
      });
    if (!template.isTemplate) throw error(422, `${template.owner}/${template.name} is not a template repository`);
    const ownerLogin = typeof body.owner === "string" && body.owner ? body.owner : user.login;
    const isPrivate = body.private === true;
    let ownerType: Repo["ownerType"] = "User";
    if (key(ownerLogin) !== key(user.login)) {
      const org = orgs.get(key(ownerLogin));
      const membership = org && membershipOf(user, org.login);
      if (!org || membership?.state !== "active") throw notFound();
      const allowed = isPrivate ? org.membersCanCreatePrivateRepositories : org.membersCanCreateRepositories;
      if (membership.role !== "admin" && !allowed)
        throw error(403, "You do not have permission to create repositories in this organization.");
      ownerType = "Organization";
    }
    if (repos.has(key(ownerLogin, body.name))) {
      throw error(422, "Repository creation failed.", {
        errors: [
          { resource: "Repository", code: "custom", field: "name", message: "name already exists on this account" },
        ],
      });
    }
    const repo = insertRepo(ownerLogin, body.name, {
      description: typeof body.description === "string" ? body.description : null,
      private: isPrivate,
      defaultBranch: template.defaultBranch,
    });
    repo.ownerType = ownerType;
    repo.template = `${template.owner}/${template.name}`;
    const full = `${repo.owner}/${repo.name}`;
    counts.repositoriesCreated[full] = (counts.repositoriesCreated[full] ?? 0) + 1;
    return { status: 201, body: repoJson(repo, user) };
  });

  route("GET", "/repos/:owner/:repo/topics", ({ user, params: [owner, name] }) => ({
    status: 200,
    body: { names: [...findRepo(user, owner, name).topics] },
  }));

  route("PUT", "/repos/:owner/:repo/topics", ({ user, params: [owner, name], body }) => {
    const repo = findRepo(user, owner, name);
    if (!canAdmin(user, repo)) throw notFound();
    const names = body.names;
    if (!Array.isArray(names) || names.some((n) => typeof n !== "string"))
      throw error(422, 'Invalid request.\n\n"names" wasn\'t supplied.');
    const invalid = (names as string[]).filter((n) => !/^[a-z0-9][a-z0-9-]{0,49}$/.test(n));
    if (invalid.length) {
      throw error(422, "Validation Failed", {
        errors: invalid.map((n) => ({
          resource: "Repository",
          code: "invalid",
          field: "topics",
          message: `${n} is not a valid topic`,
        })),
      });
    }
    repo.topics = [...new Set(names as string[])];
    return { status: 200, body: { names: [...repo.topics] } };
  });

  route("GET", "/repos/:owner/:repo/actions/secrets/public-key", ({ user, params: [owner, name] }) => {
    const repo = findRepo(user, owner, name);
    if (!canAdmin(user, repo)) throw error(403, "Resource not accessible by personal access token");
    return { status: 200, body: publicKey };
  });

  route("PUT", "/repos/:owner/:repo/actions/secrets/:name", ({ user, params: [owner, name, secretName], body }) => {
    const repo = findRepo(user, owner, name);
    if (!canAdmin(user, repo)) throw error(403, "Resource not accessible by personal access token");
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(secretName) || /^GITHUB_/i.test(secretName))
      throw error(
        422,
        "Secret names can only contain alphanumeric characters ([a-z], [A-Z], [0-9]) or underscores (_).",
      );
    if (typeof body.encrypted_value !== "string" || typeof body.key_id !== "string")
      throw error(422, 'Invalid request.\n\n"encrypted_value" and "key_id" are required.');
    if (body.key_id !== publicKey.key_id)
      throw error(422, "Invalid request.\n\nkey_id does not match the repository's public key.");
    let value: string;
    try {
      const opened = sodium.crypto_box_seal_open(
        sodium.from_base64(body.encrypted_value, sodium.base64_variants.ORIGINAL),
        keyPair.publicKey,
        keyPair.privateKey,
      );
      value = sodium.to_string(opened);
    } catch {
      throw error(422, "Invalid request.\n\nencrypted_value could not be decrypted with the repository's key.");
    }
    const id = `${repo.owner}/${repo.name}/${secretName.toUpperCase()}`;
    const existed = existingSecrets.has(id.toLowerCase());
    existingSecrets.add(id.toLowerCase());
    secrets.set(id, value);
    counts.secretsWritten[id] = (counts.secretsWritten[id] ?? 0) + 1;
    return { status: existed ? 204 : 201, body: existed ? undefined : {} };
  });

  route("GET", "/repos/:owner/:repo/deployments", ({ user, params: [owner, name], url, res }) => {
    const repo = findRepo(user, owner, name);
    const q = url.searchParams;
    const matching = repo.deployments
      .filter(
        (d) =>
          (!q.get("environment") || d.environment === q.get("environment")) &&
          (!q.get("ref") || d.ref === q.get("ref")) &&
          (!q.get("sha") || d.sha === q.get("sha")),
      )
      .sort((a, b) => b.id - a.id);
    return { status: 200, body: paginate(matching, url, res).map((d) => deploymentJson(repo, d)) };
  });

  route("POST", "/repos/:owner/:repo/deployments", ({ user, params: [owner, name], body }) => {
    const repo = findRepo(user, owner, name);
    if (!canAdmin(user, repo)) throw notFound();
    if (typeof body.ref !== "string" || !body.ref) throw error(422, 'Invalid request.\n\n"ref" wasn\'t supplied.');
    const ref = body.ref.replace(/^refs\/heads\//, "");
    if (ref !== repo.defaultBranch && !/^[0-9a-f]{40}$/.test(ref)) throw error(422, `No ref found for: ${body.ref}`);
    const environment = typeof body.environment === "string" && body.environment ? body.environment : "production";
    const deployment: Deployment = {
      id: nextId++,
      sha: /^[0-9a-f]{40}$/.test(ref) ? ref : randomBytes(20).toString("hex"),
      ref: body.ref,
      environment,
      description: typeof body.description === "string" ? body.description : null,
      payload: body.payload ?? {},
      productionEnvironment:
        typeof body.production_environment === "boolean" ? body.production_environment : environment === "production",
      creator: user.login,
      createdAt: Date.now(),
      statuses: [],
    };
    repo.deployments.push(deployment);
    const full = `${repo.owner}/${repo.name}`;
    counts.deploymentsCreated[full] = (counts.deploymentsCreated[full] ?? 0) + 1;
    return { status: 201, body: deploymentJson(repo, deployment) };
  });

  function findDeployment(user: User, owner: string, name: string, id: string): [Repo, Deployment] {
    const repo = findRepo(user, owner, name);
    const deployment = repo.deployments.find((d) => String(d.id) === id);
    if (!deployment) throw notFound();
    settle(repo, deployment);
    return [repo, deployment];
  }

  route("GET", "/repos/:owner/:repo/deployments/:id", ({ user, params: [owner, name, id] }) => {
    const [repo, d] = findDeployment(user, owner, name, id);
    return { status: 200, body: deploymentJson(repo, d) };
  });

  route("GET", "/repos/:owner/:repo/deployments/:id/statuses", ({ user, params: [owner, name, id], url, res }) => {
    const [repo, d] = findDeployment(user, owner, name, id);
    const newestFirst = [...d.statuses].reverse();
    return { status: 200, body: paginate(newestFirst, url, res).map((s) => statusJson(repo, d, s)) };
  });

  // Lets a "workflow" (an e2e test, a person with curl) report progress as Actions would.
  route("POST", "/repos/:owner/:repo/deployments/:id/statuses", ({ user, params: [owner, name, id], body }) => {
    const [repo, d] = findDeployment(user, owner, name, id);
    const states = ["error", "failure", "inactive", "in_progress", "queued", "pending", "success"];
    if (typeof body.state !== "string" || !states.includes(body.state))
      throw error(422, "Validation Failed", {
        errors: [{ resource: "DeploymentStatus", code: "invalid", field: "state" }],
      });
    addStatus(repo, d, body.state, {
      description: typeof body.description === "string" ? body.description : "",
      environment_url: typeof body.environment_url === "string" ? body.environment_url : "",
      log_url: typeof body.log_url === "string" ? body.log_url : "",
    });
    return { status: 201, body: statusJson(repo, d, d.statuses.at(-1)!) };
  });

  function insertRepo(owner: string, name: string, o: FakeRepoOptions = {}): Repo {
    const repo: Repo = {
      id: nextId++,
      owner,
      ownerType: orgs.has(key(owner)) ? "Organization" : "User",
      name,
      private: o.private ?? true,
      isTemplate: o.isTemplate ?? false,
      description: o.description ?? null,
      topics: [...(o.topics ?? [])],
      defaultBranch: o.defaultBranch ?? "main",
      createdAt: iso(),
      template: null,
      deployments: [],
    };
    repos.set(key(owner, name), repo);
    return repo;
  }

  function applyFault(line: string): ActiveFault | undefined {
    const index = faults.findIndex((f) => f.match(line));
    if (index < 0) return undefined;
    const fault = faults[index];
    if (--fault.remaining <= 0) faults.splice(index, 1);
    return fault;
  }

  function standardHeaders(user?: User): Record<string, string> {
    const headers: Record<string, string> = {
      "x-github-api-version-selected": "2022-11-28",
      "x-github-media-type": "github.v3; format=json",
      "x-github-request-id": randomBytes(8).toString("hex").toUpperCase(),
      "x-ratelimit-limit": "5000",
      "x-ratelimit-remaining": "4999",
      "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3600),
      "x-ratelimit-used": "1",
      "x-ratelimit-resource": "core",
    };
    // Classic tokens report their scopes; fine-grained and app tokens do not send the header.
    if (user && user.scopes !== null) headers["x-oauth-scopes"] = user.scopes.join(", ");
    return headers;
  }

  function send(res: ServerResponse, status: number, headers: Record<string, string>, body: unknown) {
    if (body === undefined || status === 204) {
      res.writeHead(status, headers).end();
      return;
    }
    res.writeHead(status, { ...headers, "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(body));
  }

  async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (!chunks.length) return {};
    const text = Buffer.concat(chunks).toString("utf8");
    try {
      const parsed: unknown = JSON.parse(text);
      return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
    } catch {
      throw error(400, "Problems parsing JSON");
    }
  }

  function authenticate(req: IncomingMessage): User {
    const header = req.headers.authorization ?? "";
    const match = /^(?:token|bearer)\s+(\S+)$/i.exec(header);
    if (!match) throw error(401, "Requires authentication");
    const user = tokens.get(match[1]);
    if (!user) throw error(401, "Bad credentials");
    return user;
  }

  /** Out-of-band controls for tests running in another process (Playwright, curl). */
  async function control(
    method: string,
    path: string,
    req: IncomingMessage,
  ): Promise<{ status: number; body?: unknown } | undefined> {
    if (method === "GET" && path === "/_fake/state") {
      return {
        status: 200,
        body: {
          counts,
          repositories: [...repos.values()].map((r) => repoJson(r)),
          secrets: Object.fromEntries(secrets),
          requests: requests.slice(-200),
        },
      };
    }
    if (method === "POST" && path === "/_fake/fail-next") {
      const body = await readBody(req);
      const kind = body.kind;
      const fault: Fault =
        kind === "secondary-rate-limit"
          ? secondaryRateLimit({ retryAfter: Number(body.retryAfter) || 1, times: Number(body.times) || 1 })
          : kind === "primary-rate-limit"
            ? primaryRateLimit({ resetInSeconds: Number(body.resetInSeconds) || 1, times: Number(body.times) || 1 })
            : {
                status: Number(body.status) || 500,
                body: body.body,
                headers: (body.headers as Record<string, string>) ?? undefined,
                times: Number(body.times) || 1,
                delayMs: Number(body.delayMs) || undefined,
              };
      api.failNext(typeof body.pattern === "string" ? body.pattern : /.*/, fault);
      return { status: 204 };
    }
    if (method === "POST" && path === "/_fake/deployment-outcome") {
      const body = await readBody(req);
      const state = String(body.outcome) as DeploymentOutcome;
      if (!["success", "failure", "error", "pending"].includes(state))
        return { status: 422, body: { message: "outcome must be success, failure, error or pending" } };
      api.setDeploymentOutcome(state, { delayMs: Number(body.delayMs) || 0 });
      return { status: 204 };
    }
    const web = /^\/_web\/([^/]+)\/([^/]+)(\/deployed)?$/.exec(path);
    if (method === "GET" && web) {
      return { status: 200, body: `${web[3] ? "Deployed" : "Repository"}: ${web[1]}/${web[2]} (fake GitHub)` };
    }
    return undefined;
  }

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://fake.invalid");
    const method = (req.method ?? "GET").toUpperCase();
    const path = url.pathname.replace(/\/+$/, "") || "/";
    const record: RequestRecord = { method, path, query: url.search, status: 0 };
    requests.push(record);
    let user: User | undefined;
    try {
      const fault = applyFault(`${method} ${path}`);
      if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
      if (fault?.status) {
        const extra = typeof fault.headers === "function" ? fault.headers() : (fault.headers ?? {});
        const body = fault.body ?? {
          message: STATUS_CODES[fault.status] ?? "Error",
          documentation_url: DOCS,
          status: String(fault.status),
        };
        record.status = fault.status;
        send(res, fault.status, { ...standardHeaders(), ...extra }, body);
        return;
      }
      if (path.startsWith("/_fake/") || path.startsWith("/_web/")) {
        const answer = await control(method, path, req);
        if (answer) {
          record.status = answer.status;
          if (typeof answer.body === "string")
            res.writeHead(answer.status, { "content-type": "text/plain; charset=utf-8" }).end(answer.body);
          else send(res, answer.status, {}, answer.body);
          return;
        }
      }
      user = authenticate(req);
      const body = method === "GET" || method === "DELETE" ? {} : await readBody(req);
      for (const r of routes) {
        const match = r.method === method ? r.path.exec(path) : null;
        if (!match) continue;
        const params = match.slice(1).map(decodeURIComponent);
        const result = r.handler({ user, params, body, url, res });
        record.status = result.status;
        send(res, result.status, standardHeaders(user), result.body);
        return;
      }
      throw notFound();
    } catch (err) {
      const httpError = err instanceof HttpError ? err : error(500, "Server Error");
      if (!(err instanceof HttpError)) console.error("[fake-github] handler failed", err);
      record.status = httpError.status;
      if (!res.headersSent) send(res, httpError.status, standardHeaders(user), httpError.body);
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  baseUrl = `http://${host}:${address.port}`;

  const api: FakeGitHub = {
    url: baseUrl,
    requests,
    counts,
    secrets,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    addToken(token, { login, scopes = ["repo", "workflow", "delete_repo"] }) {
      let user = users.get(key(login));
      if (!user) {
        user = { login, id: nextId++, scopes };
        users.set(key(login), user);
      }
      // Scopes belong to the token, so two tokens of one user may differ.
      tokens.set(token, { ...user, scopes });
    },
    addOrg(org, o = {}) {
      orgs.set(key(org), {
        login: org,
        id: nextId++,
        membersCanCreateRepositories: o.membersCanCreateRepositories ?? true,
        membersCanCreatePrivateRepositories:
          o.membersCanCreatePrivateRepositories ?? o.membersCanCreateRepositories ?? true,
      });
    },
    addMembership(org, login, m) {
      if (!users.has(key(login))) users.set(key(login), { login, id: nextId++, scopes: null });
      memberships.set(key(org, login), { ...m });
    },
    addRepo(owner, name, o = {}) {
      insertRepo(owner, name, o);
    },
    failNext(pattern, fault) {
      faults.push({ ...fault, match: patternMatcher(pattern), remaining: fault.times ?? 1 });
    },
    clearFaults() {
      faults.length = 0;
    },
    setDeploymentOutcome(state, o = {}) {
      outcome = { state, delayMs: o.delayMs ?? 0 };
    },
    repo(owner, name) {
      const repo = repos.get(key(owner, name));
      return repo ? repoJson(repo) : undefined;
    },
  };
  return api;
}

/** The demo world `main.ts --seed demo` builds; Playwright and people trying the product use it. */
export const DEMO_SEED = {
  org: "onramp-demo",
  template: { owner: "onramp-demo", repo: "stack-starter" },
  notATemplate: { owner: "onramp-demo", repo: "legacy-app" },
  takenSlug: "taken",
  tokens: {
    owner: "onramp-demo-owner-token",
    member: "onramp-demo-member-token",
    missingScope: "onramp-demo-missing-scope-token",
    fineGrained: "onramp-demo-fine-grained-token",
    pending: "onramp-demo-pending-token",
  },
} as const;

export function seedDemo(fake: FakeGitHub): void {
  const { org, template, notATemplate, takenSlug, tokens } = DEMO_SEED;
  // Members may not create private repositories, so the member token shows that failure.
  fake.addOrg(org, { membersCanCreateRepositories: false, membersCanCreatePrivateRepositories: false });
  fake.addToken(tokens.owner, { login: "demo-owner", scopes: ["repo", "workflow", "delete_repo", "read:org"] });
  fake.addMembership(org, "demo-owner", { role: "admin", state: "active" });
  fake.addToken(tokens.member, { login: "demo-member", scopes: ["repo", "workflow"] });
  fake.addMembership(org, "demo-member", { role: "member", state: "active" });
  fake.addToken(tokens.missingScope, { login: "demo-no-workflow", scopes: ["repo"] });
  fake.addMembership(org, "demo-no-workflow", { role: "admin", state: "active" });
  fake.addToken(tokens.fineGrained, { login: "demo-fine-grained", scopes: null });
  fake.addMembership(org, "demo-fine-grained", { role: "admin", state: "active" });
  fake.addToken(tokens.pending, { login: "demo-invited", scopes: ["repo", "workflow"] });
  fake.addMembership(org, "demo-invited", { role: "member", state: "pending" });
  fake.addRepo(template.owner, template.repo, {
    isTemplate: true,
    description: "Onramp stack template: web, API and worker",
    private: false,
  });
  fake.addRepo(notATemplate.owner, notATemplate.repo, { isTemplate: false, description: "An ordinary repository" });
  fake.addRepo(org, takenSlug, { description: "Somebody else's project" });
}
