import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cacheDir, resolveTemporalCli, TemporalCliError, TEMPORAL_CLI_VERSION } from '../../scripts/temporal-cli.js';

const execFileAsync = promisify(execFile);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'temporal-cli-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function executable(file: string): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, '#!/bin/sh\necho fake\n');
  await chmod(file, 0o755);
  return file;
}

describe('Temporal CLI provisioning', () => {
  it('uses TEMPORAL_CLI_PATH first, even when one is on PATH', async () => {
    const explicit = await executable(path.join(dir, 'explicit', 'temporal'));
    const onPath = await executable(path.join(dir, 'bin', 'temporal'));
    const cli = await resolveTemporalCli({ env: { TEMPORAL_CLI_PATH: explicit, PATH: path.dirname(onPath), HOME: dir } });
    expect(cli).toMatchObject({ source: 'env', path: explicit, executable: { type: 'existing-path', path: explicit } });
  });

  it('rejects a TEMPORAL_CLI_PATH that is not an executable file, naming the problem', async () => {
    const plain = path.join(dir, 'not-executable');
    await writeFile(plain, 'data');
    await expect(resolveTemporalCli({ env: { TEMPORAL_CLI_PATH: plain } })).rejects.toThrow(/not executable/);
    await expect(resolveTemporalCli({ env: { TEMPORAL_CLI_PATH: dir } })).rejects.toThrow(/not a file/);
    await expect(resolveTemporalCli({ env: { TEMPORAL_CLI_PATH: path.join(dir, 'missing') } })).rejects.toBeInstanceOf(
      TemporalCliError,
    );
  });

  it('falls back to PATH, then to the versioned cache outside the clone', async () => {
    const onPath = await executable(path.join(dir, 'pathbin', 'temporal'));
    expect(await resolveTemporalCli({ env: { PATH: path.dirname(onPath), HOME: dir } })).toMatchObject({ source: 'path', path: onPath });

    const cacheHome = path.join(dir, 'cache-home');
    const cached = await executable(path.join(cacheDir({ XDG_CACHE_HOME: cacheHome }), 'temporal'));
    expect(cached).toContain(path.join('wooshpay-payments', 'temporal-cli', TEMPORAL_CLI_VERSION));
    expect(await resolveTemporalCli({ env: { PATH: '', XDG_CACHE_HOME: cacheHome } })).toMatchObject({ source: 'cache', path: cached });
  });

  it('leaves the download to the SDK (with a long cache) when there is neither binary nor Go', async () => {
    const cli = await resolveTemporalCli({ env: { PATH: '', XDG_CACHE_HOME: path.join(dir, 'empty-cache') } });
    expect(cli.source).toBe('sdk-download');
    expect(cli.executable).toMatchObject({ type: 'cached-download', ttl: '365d' });
  });

  it('as a command, exits non-zero with a clear message for a bad path', async () => {
    const run = execFileAsync(process.execPath, ['--import', 'tsx', 'scripts/temporal-cli.ts'], {
      env: { ...process.env, TEMPORAL_CLI_PATH: path.join(dir, 'nope') },
    });
    await expect(run).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/TEMPORAL_CLI_PATH=.*no such file/) });
  });

  it('builds once when two processes provision at the same time (go install under a lock)', async () => {
    // A stand-in `go` that takes a moment, records each build, and installs a working binary into GOBIN.
    const bin = path.join(dir, 'fake-go-bin');
    const builds = path.join(dir, 'builds.log');
    await mkdir(bin, { recursive: true });
    await writeFile(
      path.join(bin, 'go'),
      `#!/bin/sh\nsleep 1\necho build >> "${builds}"\nprintf '#!/bin/sh\\necho temporal version test\\n' > "$GOBIN/temporal"\nchmod +x "$GOBIN/temporal"\n`,
    );
    await chmod(path.join(bin, 'go'), 0o755);
    const env = { PATH: `${bin}:/usr/bin:/bin`, XDG_CACHE_HOME: path.join(dir, 'concurrent-cache') };
    const [a, b] = await Promise.all([resolveTemporalCli({ env }), resolveTemporalCli({ env })]);
    expect(a.path).toBe(b.path);
    expect([a.source, b.source].sort()).toEqual(['cache', 'go-install']);
    expect((await readFile(builds, 'utf8')).trim().split('\n')).toHaveLength(1);
    const { stdout } = await execFileAsync(a.path!, ['--version']);
    expect(stdout).toContain('temporal version test');
  });
});
