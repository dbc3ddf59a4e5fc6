// Finds the Chromium the browser tests drive: CHROMIUM_PATH, else the one @sparticuz/chromium ships (Linux x64), else a system one.
import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { brotliDecompressSync, createBrotliDecompress } from 'node:zlib';
import { ROOT } from './run-process.js';

export interface ChromiumForTests {
  executablePath: string;
  /** Extra environment for the browser process only (the bundled build's libraries and fonts). */
  env: Record<string, string>;
  /** Which browser this is, for the failure message when it does not start. */
  source: string;
}

/**
 * CHROMIUM_PATH wins, so any machine can pick its browser. On Linux x64 the devDependency @sparticuz/chromium
 * supplies one, so `npm install` is the whole set-up. Elsewhere its Linux binary cannot run, so a system
 * Chromium or Chrome is looked for.
 */
export async function chromiumForTests(): Promise<ChromiumForTests> {
  const explicit = process.env.CHROMIUM_PATH;
  if (explicit) {
    if (!existsSync(explicit)) throw new Error(`CHROMIUM_PATH=${explicit} does not exist`);
    return { executablePath: explicit, env: {}, source: `CHROMIUM_PATH=${explicit}` };
  }
  if (process.platform === 'linux' && process.arch === 'x64') return bundledChromium();
  const system = systemChromium();
  if (system) return { executablePath: system, env: {}, source: system };
  throw new Error(
    `No Chromium for the browser tests: @sparticuz/chromium only runs on Linux x64 (this is ${process.platform} ${process.arch}). ` +
      'Install Chromium or Chrome, or set CHROMIUM_PATH to its executable.',
  );
}

function systemChromium(): string | undefined {
  const candidates = [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  ];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found) return found;
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    try {
      return execFileSync('which', [name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      // not on PATH under this name; try the next
    }
  }
  return undefined;
}

/**
 * Unpacks the package's brotli files into node_modules/.cache/gatehouse-chromium/<version>/ once.
 *
 * The package's own executablePath() would unpack into the shared /tmp/chromium (reused whatever version or owner
 * left it there, and read half-written by a second test run starting at the same time) and skips the NSS and expat
 * libraries it ships unless it detects AWS Lambda, which a slim Debian or Ubuntu lacks. So we unpack
 * everything into a versioned directory, atomically by renaming a finished staging directory, and point only the
 * browser process at those libraries and fonts.
 */
async function bundledChromium(): Promise<ChromiumForTests> {
  const require = createRequire(import.meta.url);
  // The package exports only its entry point; its root is two levels above build/cjs/index.cjs.
  const packageRoot = path.resolve(path.dirname(require.resolve('@sparticuz/chromium')), '../..');
  const { version } = JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string };
  const bin = path.join(packageRoot, 'bin');
  const cacheRoot = path.join(ROOT, 'node_modules', '.cache', 'gatehouse-chromium');
  const dir = path.join(cacheRoot, version);

  if (!existsSync(path.join(dir, 'chromium'))) {
    await mkdir(cacheRoot, { recursive: true });
    const staging = await mkdtemp(path.join(cacheRoot, `${version}.partial-`));
    try {
      await pipeline(
        createReadStream(path.join(bin, 'chromium.br')),
        createBrotliDecompress(),
        createWriteStream(path.join(staging, 'chromium'), { mode: 0o755 }),
      );
      // SwiftShader sits beside the binary, where Chromium looks for it; lib/ holds NSS, NSPR and expat; fonts/ holds Open Sans.
      for (const archive of ['swiftshader.tar.br', 'al2023.tar.br']) untarBrotli(path.join(bin, archive), staging);
      await mkdir(path.join(staging, 'fonts'));
      untarBrotli(path.join(bin, 'fonts.tar.br'), path.join(staging, 'fonts'));
      // The shipped fonts.conf names Lambda's paths; ours names only the shipped fonts, so every machine renders alike.
      await writeFile(
        path.join(staging, 'fonts', 'fonts.conf'),
        `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir>${path.join(dir, 'fonts', 'fonts')}</dir>\n ` +
          ` <cachedir>${path.join(dir, 'fonts', 'cache')}</cachedir>\n</fontconfig>\n`,
      );
      await chmod(staging, 0o755); // mkdtemp makes it private; the finished cache is as readable as node_modules
      await rename(staging, dir);
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      // Another run finished the same unpacking first: use its result.
      if (!existsSync(path.join(dir, 'chromium'))) throw error;
    }
  }
  return {
    executablePath: path.join(dir, 'chromium'),
    env: {
      LD_LIBRARY_PATH: [path.join(dir, 'lib'), process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
      FONTCONFIG_PATH: path.join(dir, 'fonts'),
    },
    source: `@sparticuz/chromium ${version} (unpacked in ${dir})`,
  };
}

/**
 * The system `tar` (present on every Linux) unpacks what Node's brotli decoder gives it, so no tar package is needed.
 * The archive goes in whole (at most 15 MB): tar stops reading at the end-of-archive marker, which would make a
 * streamed pipe fail with "Premature close".
 */
function untarBrotli(archive: string, into: string): void {
  execFileSync('tar', ['-x', '--no-same-owner', '-C', into], {
    input: brotliDecompressSync(readFileSync(archive)),
    stdio: ['pipe', 'ignore', 'pipe'],
  });
}
