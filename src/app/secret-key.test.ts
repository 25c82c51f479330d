import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';
import { resolveSecretKey, SECRET_KEY_FILE } from './secret-key.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('the secret key (ENCORE_SECRET_KEY, or DATA_DIR/secret.key)', () => {
  const dirs: string[] = [];
  const tempDir = (): string => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'enc-key-'));
    dirs.push(d);
    return d;
  };
  afterAll(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('is read from ENCORE_SECRET_KEY (hex or base64), and a bad one is a configuration problem that does not repeat it', () => {
    const key = randomBytes(32);
    expect(loadConfig({ ENCORE_SECRET_KEY: key.toString('hex') }).secretKey).toEqual(key);
    expect(loadConfig({ ENCORE_SECRET_KEY: key.toString('base64') }).secretKey).toEqual(key);
    expect(loadConfig({}).secretKey).toBeUndefined();
    expect(loadConfig({ ENCORE_SECRET_KEY: '  ' }).secretKey).toBeUndefined();
    try {
      loadConfig({ ENCORE_SECRET_KEY: 'hunter2-is-my-secret' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems).toEqual([expect.stringMatching(/^ENCORE_SECRET_KEY must be 32 bytes as 64 hex characters or base64/)]);
      expect((err as ConfigError).message).not.toContain('hunter2');
    }
  });

  it('when given, is used as it is and no key file is written', () => {
    const dataDir = tempDir();
    const key = randomBytes(32);
    expect(resolveSecretKey({ secretKey: key, dataDir })).toEqual(key);
    expect(fs.existsSync(path.join(dataDir, SECRET_KEY_FILE))).toBe(false);
  });

  it('when absent, is generated on the first start into DATA_DIR/secret.key (mode 0600) and read again on later starts', () => {
    const dataDir = path.join(tempDir(), 'nested', 'data');
    const logged: string[] = [];
    const first = resolveSecretKey({ secretKey: undefined, dataDir }, (m) => logged.push(m));
    expect(first).toHaveLength(32);
    const file = path.join(dataDir, SECRET_KEY_FILE);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(logged).toEqual([expect.stringMatching(/generated the secret key .*secret\.key/)]);
    expect(resolveSecretKey({ secretKey: undefined, dataDir }, (m) => logged.push(m))).toEqual(first);
    expect(logged).toHaveLength(1);
    // No temporary files are left behind.
    expect(fs.readdirSync(dataDir)).toEqual([SECRET_KEY_FILE]);
  });

  it('a key file that holds no key stops the start (a new key would orphan every sealed value)', () => {
    const dataDir = tempDir();
    fs.writeFileSync(path.join(dataDir, SECRET_KEY_FILE), 'garbage\n', { mode: 0o600 });
    expect(() => resolveSecretKey({ secretKey: undefined, dataDir })).toThrow(/does not hold a secret key/);
    expect(fs.readFileSync(path.join(dataDir, SECRET_KEY_FILE), 'utf8')).toBe('garbage\n');
  });

  it('warns when the key file can be read by others', () => {
    const dataDir = tempDir();
    const key = randomBytes(32);
    fs.writeFileSync(path.join(dataDir, SECRET_KEY_FILE), key.toString('hex'), { mode: 0o644 });
    fs.chmodSync(path.join(dataDir, SECRET_KEY_FILE), 0o644);
    const logged: string[] = [];
    expect(resolveSecretKey({ secretKey: undefined, dataDir }, (m) => logged.push(m))).toEqual(key);
    expect(logged).toEqual([expect.stringMatching(/can be read by other users/)]);
  });

  it('processes starting together on a fresh folder end up with one key', async () => {
    const dataDir = tempDir();
    const script = `import { resolveSecretKey } from ${JSON.stringify(path.join(ROOT, 'src/app/secret-key.ts'))};
      process.stdout.write(resolveSecretKey({ secretKey: undefined, dataDir: ${JSON.stringify(dataDir)} }).toString('hex'));`;
    const run = promisify(execFile);
    const outs = await Promise.all(
      Array.from({ length: 4 }, () => run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT })),
    );
    const keys = new Set(outs.map((o) => o.stdout));
    expect(keys.size).toBe(1);
    expect(fs.readFileSync(path.join(dataDir, SECRET_KEY_FILE), 'utf8').trim()).toBe(Buffer.from([...keys][0]!, 'hex').toString('base64'));
    expect(fs.readdirSync(dataDir)).toEqual([SECRET_KEY_FILE]);
  });
});
