// Starts `samskap serve` on a throwaway SQLite database and a free loopback
// port, for the browser tests. The binary is build/release/samskap unless
// SAMSKAP_BIN names another one.
//
//   const server = await startServer();   // server.url = 'http://127.0.0.1:PORT'
//   ...
//   const code = await server.stop();     // SIGTERM; resolves with the exit code
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export function binaryPath() {
  const configured = process.env.SAMSKAP_BIN;
  if (configured) return path.resolve(repoRoot, configured);
  return path.join(repoRoot, 'build', 'release', 'samskap');
}

const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 10_000;

export async function startServer({ extraArgs = [] } = {}) {
  const bin = binaryPath();
  if (!existsSync(bin)) {
    throw new Error(`samskap binary not found at ${bin}: build it first, or set SAMSKAP_BIN`);
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'samskap-e2e-'));
  const args = ['serve', '--listen', '127.0.0.1:0', '--database', `sqlite:${path.join(dir, 'e2e.db')}`, ...extraArgs];
  const child = spawn(bin, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });

  let stderr = '';
  let stdout = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => { stdout += chunk; });
  child.stderr.setEncoding('utf8');

  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });

  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`samskap did not report its port within ${START_TIMEOUT_MS} ms; stderr:\n${stderr}`));
    }, START_TIMEOUT_MS);
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      const m = /serving (http:\/\/127\.0\.0\.1:(\d+))/.exec(stderr);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('error', (err) => { clearTimeout(timer); reject(err); });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`samskap exited before serving (code ${code}, signal ${signal}); stderr:\n${stderr}`));
    });
  });

  let stopped = null;
  return {
    url,
    get stderr() { return stderr; },
    get stdout() { return stdout; },
    /** Sends SIGTERM and resolves with the exit code (null if killed by a signal). */
    stop() {
      if (stopped) return stopped;
      stopped = (async () => {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        const { code } = await exited;
        clearTimeout(timer);
        rmSync(dir, { recursive: true, force: true });
        return code;
      })();
      return stopped;
    },
  };
}
