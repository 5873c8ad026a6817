// setupFilesAfterEnv of the `integration` jest project: slapd start-up, TLS handshakes and
// outage tests need more than jest's default 5 s.
jest.setTimeout(30_000);
