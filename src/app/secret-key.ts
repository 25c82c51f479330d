import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { formatSecretKey, generateSecretKey, parseSecretKey } from '../lib/secret-box.js';
import type { Config } from './config.js';

/** The key file in DATA_DIR, used when ENCORE_SECRET_KEY is not set. */
export const SECRET_KEY_FILE = 'secret.key';

/**
 * The process's secret key: ENCORE_SECRET_KEY when set, else DATA_DIR/secret.key, generated (mode
 * 0600) on the very first start and read on every later one. A key file that is there but unreadable
 * as a key stops the start: making a new key would leave every sealed value unreadable for good.
 *
 * Several processes may start on one fresh folder at once (serve and a command): the new key is
 * written to a private temporary file and hard-linked into place, which fails if another process got
 * there first; that process's key is then read and used, so all of them share one key.
 */
export function resolveSecretKey(config: Pick<Config, 'secretKey' | 'dataDir'>, log: (m: string) => void = () => {}): Buffer {
  if (config.secretKey) return config.secretKey;
  const file = path.join(config.dataDir, SECRET_KEY_FILE);
  const existing = readKeyFile(file, log);
  if (existing) return existing;

  fs.mkdirSync(config.dataDir, { recursive: true });
  const key = generateSecretKey();
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const fd = fs.openSync(tmp, 'wx', 0o600);
    try {
      fs.writeFileSync(fd, `${formatSecretKey(key)}\n`);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.linkSync(tmp, file);
  } catch (err) {
    if ((err as { code?: string }).code !== 'EEXIST') throw err;
    // Another process created the key file meanwhile: use its key.
    return readKeyFile(file, log) ?? failUnreadable(file);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  log(`generated the secret key ${file} (it seals sellers' account numbers: back it up with the database; to run processes on several machines, set ENCORE_SECRET_KEY to it on each)`);
  return key;
}

function readKeyFile(file: string, log: (m: string) => void): Buffer | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return undefined;
    throw err;
  }
  const key = parseSecretKey(text);
  if (!key) return failUnreadable(file);
  if ((fs.statSync(file).mode & 0o077) !== 0) log(`warning: ${file} can be read by other users of this machine; chmod 600 it`);
  return key;
}

function failUnreadable(file: string): never {
  throw new Error(`${file} does not hold a secret key (32 bytes as base64 or 64 hex characters). Restore it from your backup, or set ENCORE_SECRET_KEY; a new key would leave the stored account numbers unreadable.`);
}
