// A real OpenID Connect provider (the `oidc-provider` package) for SafeVisit's tests.
//
//   node e2e/oidc/provider.mjs CONFIG.json
//
// The test writes CONFIG: the port, the issuer URL, the signing keys (private JWKs), the clients
// (redirect and back-channel logout URIs) and the accounts with their claims. e2e/oidc_provider.py
// starts this script and stops it. Loopback only: it is a test fixture, never a server for people.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";

import { CompactSign, importJWK } from "jose";
import Provider from "oidc-provider";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const accounts = config.accounts;
// Claims SafeVisit reads from the ID token (as Entra ID puts app roles and groups there).
const CLAIMS = ["name", "preferred_username", "email", "roles", "groups", "realm_access"];
// Set by POST /test/tamper: the next ID tokens are re-signed by a key the provider never
// published, as an attacker between the two servers would have to do.
let tamper = false;
// Set by POST /test/assurance: what the next ID tokens say about how the person signed in
// (acr, amr), signed with the provider's own key, as a provider with MFA policies would.
let assurance = {};
// Set by POST /test/no-id-token: token responses carry no ID token, only a raw "userinfo"
// object naming someone else, which a careless client would take at its word.
let noIdToken = false;

const provider = new Provider(config.issuer, {
  clients: config.clients,
  jwks: { keys: config.keys },
  cookies: { keys: [config.cookie_secret] },
  claims: { openid: ["sub"], profile: CLAIMS },
  // Claims in the ID token itself, not only at userinfo: how Entra ID sends roles and groups.
  // With userinfo_only, they are at the userinfo endpoint only, as some providers send them.
  conformIdTokenClaims: Boolean(config.userinfo_only),
  features: {
    devInteractions: { enabled: true }, // the package's own sign-in form: any password, login = account id
    backchannelLogout: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  pkce: { required: () => true },
  async findAccount(ctx, id) {
    if (!Object.hasOwn(accounts, id)) return undefined;
    return { accountId: id, claims: () => ({ sub: id, ...accounts[id] }) };
  },
  // The test's people have agreed already: no consent screen, the grant is made at sign-in.
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope("openid profile");
    grant.addOIDCClaims(CLAIMS);
    await grant.save();
    return grant;
  },
  // SafeVisit runs on 127.0.0.1 here, which the package's outgoing-request guard refuses (it
  // protects real deployments from being pointed at internal hosts); loopback is the point here.
  fetch(url, options) {
    const { dispatcher, ...rest } = options;
    return globalThis.fetch(url, { ...rest, signal: AbortSignal.timeout(30_000) });
  },
  ttl: { Session: 3600, Interaction: 600, Grant: 3600, AccessToken: 600, AuthorizationCode: 60, IdToken: 600 },
});

async function resign(idToken, jwk = config.rogue_key, extra = {}) {
  const [header, payload] = idToken.split(".");
  const key = await importJWK(jwk, jwk.alg);
  const claims = { ...JSON.parse(Buffer.from(payload, "base64url").toString()), ...extra };
  return new CompactSign(Buffer.from(JSON.stringify(claims)))
    .setProtectedHeader(JSON.parse(Buffer.from(header, "base64url").toString()))
    .sign(key);
}

provider.use(async (ctx, next) => {
  await next();
  if (ctx.path === "/token" && ctx.body?.id_token && Object.keys(assurance).length) {
    ctx.body.id_token = await resign(ctx.body.id_token, config.keys[0], assurance);
  }
  if (tamper && ctx.path === "/token" && ctx.body?.id_token) ctx.body.id_token = await resign(ctx.body.id_token);
  if (noIdToken && ctx.path === "/token" && ctx.body?.id_token) {
    delete ctx.body.id_token;
    ctx.body.userinfo = { sub: "max", ...accounts.max };
  }
});

const callback = provider.callback();
createServer((req, res) => {
  if (req.method === "POST" && req.url.startsWith("/test/tamper")) {
    tamper = new URL(req.url, config.issuer).searchParams.get("on") === "1";
    res.writeHead(204).end();
    return;
  }
  if (req.method === "POST" && req.url.startsWith("/test/no-id-token")) {
    noIdToken = new URL(req.url, config.issuer).searchParams.get("on") === "1";
    res.writeHead(204).end();
    return;
  }
  if (req.method === "POST" && req.url.startsWith("/test/assurance")) {
    const query = new URL(req.url, config.issuer).searchParams;
    assurance = {};
    if (query.get("acr")) assurance.acr = query.get("acr");
    if (query.get("amr")) assurance.amr = query.get("amr").split(",");
    res.writeHead(204).end();
    return;
  }
  callback(req, res);
}).listen(config.port, "127.0.0.1", () => console.log(`oidc-provider listening on ${config.issuer}`));
