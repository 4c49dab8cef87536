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
const CLAIMS = ["name", "preferred_username", "email", "roles", "groups"];
// Set by POST /test/tamper: the next ID tokens are re-signed by a key the provider never
// published, as an attacker between the two servers would have to do.
let tamper = false;

const provider = new Provider(config.issuer, {
  clients: config.clients,
  jwks: { keys: config.keys },
  cookies: { keys: [config.cookie_secret] },
  claims: { openid: ["sub"], profile: CLAIMS },
  // Claims in the ID token itself, not only at userinfo: how Entra ID sends roles and groups.
  conformIdTokenClaims: false,
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

async function resign(idToken) {
  const [header, payload] = idToken.split(".");
  const rogue = await importJWK(config.rogue_key, config.rogue_key.alg);
  return new CompactSign(Buffer.from(payload, "base64url"))
    .setProtectedHeader(JSON.parse(Buffer.from(header, "base64url").toString()))
    .sign(rogue);
}

provider.use(async (ctx, next) => {
  await next();
  if (tamper && ctx.path === "/token" && ctx.body?.id_token) ctx.body.id_token = await resign(ctx.body.id_token);
});

const callback = provider.callback();
createServer((req, res) => {
  if (req.method === "POST" && req.url.startsWith("/test/tamper")) {
    tamper = new URL(req.url, config.issuer).searchParams.get("on") === "1";
    res.writeHead(204).end();
    return;
  }
  callback(req, res);
}).listen(config.port, "127.0.0.1", () => console.log(`oidc-provider listening on ${config.issuer}`));
