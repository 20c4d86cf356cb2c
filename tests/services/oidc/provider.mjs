// An OpenID Connect provider on loopback for the sign-in browser test.
//
// It is panva's certified `oidc-provider` (pinned in package.json beside this
// file), installed by `make test` into the git-ignored .cache/oidc. Its
// development interactions give a login form that accepts any login and
// password; the login typed becomes the account's `sub` and `email` claims.
// One static, confidential client is registered.
//
// Usage (every value from the environment, nothing on the command line):
//   OIDC_NODE_MODULES=.cache/oidc/node_modules OIDC_PORT=9000 \
//   OIDC_CLIENT_ID=carte OIDC_CLIENT_SECRET=... \
//   OIDC_REDIRECT_URI=http://127.0.0.1:8501/oauth2callback node provider.mjs
// It prints "listening <issuer>" once it accepts connections.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`provider.mjs: set ${name} in the environment`);
    process.exit(2);
  }
  return value;
}

const modules = path.resolve(required('OIDC_NODE_MODULES'));
const port = Number(required('OIDC_PORT'));
const redirectUri = required('OIDC_REDIRECT_URI');
const entry = pathToFileURL(path.join(modules, 'oidc-provider', 'lib', 'index.js')).href;
const { default: Provider } = await import(entry);

// a fresh signing key per run instead of the library's development key
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signing = { ...privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'RS256', kid: 'test' };

const issuer = `http://127.0.0.1:${port}`;
const provider = new Provider(issuer, {
  clients: [{
    client_id: required('OIDC_CLIENT_ID'),
    client_secret: required('OIDC_CLIENT_SECRET'),
    redirect_uris: [redirectUri],
    // Streamlit sends the user back to its /oauth2callback after the provider's sign-out
    post_logout_redirect_uris: [redirectUri],
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
  },
  // the e-mail goes in the ID token itself: Streamlit reads the user from it
  conformIdTokenClaims: false,
  async findAccount(ctx, sub) {
    return {
      accountId: sub,
      async claims() {
        return { sub, email: sub, email_verified: true, name: sub };
      },
    };
  },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  jwks: { keys: [signing] },
  features: { devInteractions: { enabled: true } },
});
provider.proxy = false;

const server = provider.listen(port, '127.0.0.1', () => {
  console.log(`listening ${issuer}`);
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
