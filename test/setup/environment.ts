// vitest globalSetup: the environment every test file and every process the tests start inherit.
// NODE_EXTRA_CA_CERTS names a bundle of certificate authorities for TLS; Node reads and parses it as it starts, about
// 40 ms for a system bundle, and the suite starts hundreds of Node processes that never make a TLS connection (the
// built CLI, the reference services on 127.0.0.1, offline npm).
export default function setup(): void {
  delete process.env.NODE_EXTRA_CA_CERTS;
}
